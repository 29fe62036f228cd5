// Scenario files: YAML → validated ScenarioSpec. Every problem names the file, the line, the
// field path and what is allowed; all problems are reported at once.
import { Value } from '@sinclair/typebox/value';
import { ScenarioSpecSchema, type ScenarioSpec } from './schema.js';
import { SpecError, type SpecProblem } from '../core/errors.js';
import { checkSemantics } from './semantics.js';
import { describeSchemaError } from './describe.js';
import { parseYamlFile, pointerToField, readYamlFile } from './yaml-file.js';

export { pointerToField } from './yaml-file.js';

export function loadScenarioFile(file: string): ScenarioSpec {
  return parseScenario(readYamlFile(file, 'scenario file'), file);
}

export function parseScenario(text: string, file: string): ScenarioSpec {
  return parseYamlFile(text, file, ScenarioSpecSchema, {
    notAMapping: 'a scenario file is a YAML mapping with at least name, underlay, flannel and nodes',
    semantics: checkSemantics,
  });
}

/** Validates a spec built in code (bench, tests) with the same rules as a file. */
export function validateSpec(spec: unknown, origin = '(spec built in code)'): ScenarioSpec {
  const problems: SpecProblem[] = [];
  for (const error of Value.Errors(ScenarioSpecSchema, spec)) {
    const d = describeSchemaError(error);
    if (d) problems.push({ file: origin, field: pointerToField(d.pointer), message: d.message });
  }
  if (problems.length > 0) throw new SpecError(problems);
  const semantic = checkSemantics(spec as ScenarioSpec);
  if (semantic.length > 0) throw new SpecError(semantic.map((p) => ({ file: origin, field: pointerToField(p.pointer), message: p.message })));
  return spec as ScenarioSpec;
}
