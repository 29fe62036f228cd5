// How a command hands its exit code back to main (yargs handlers return nothing useful).
let code = 0;
export const setExitCode = (c: number): void => {
  code = c;
};
export const raiseExitCode = (c: number): void => {
  code = Math.max(code, c);
};
export const exitCode = (): number => code;
