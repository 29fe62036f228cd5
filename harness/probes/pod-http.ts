// The pods' TCP service speaks minimal HTTP/1.0, so `curl http://<pod or VIP>/` works as it
// would against nginx (no --http0.9): it reads the request head up to its blank line, then
// answers one response line, three headers and a body naming the pod (`<node>/<pod>`). A
// client that sends nothing and closes its side (`socat - TCP:... </dev/null`) gets the same
// answer. Run as socat's SYSTEM: address, in /bin/sh, so the pods need nothing but socat and sh.

/** The response a pod sends: the body is the pod's name and a newline. */
export function podHttpResponse(name: string): string {
  const body = `${name}\n`;
  return `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** printf's format for `text`: backslash escapes for CR, LF and backslash, `%%` for percent. */
const printfFormat = (text: string): string => text.replaceAll('\\', '\\\\').replaceAll('%', '%%').replaceAll('\r', '\\r').replaceAll('\n', '\\n');

/** The sh command a connection runs: skip the request head (up to an empty or CR-only line), then answer. */
export function podHttpShell(name: string): string {
  if (/['\\]/.test(name)) throw new Error(`a pod name with a quote or backslash cannot be served: ${name}`);
  return `while read -r l; do [ "\${l%?}" ] || break; done; printf '${printfFormat(podHttpResponse(name))}'`;
}

/**
 * socat 1.7.4 parses an address's text itself (quotes, backslashes, `:` and `,` and `!` are its
 * own): each of them is escaped with a backslash so that sh receives the command as written.
 */
export const socatEscape = (text: string): string => text.replace(/[\\'":,!]/g, (c) => `\\${c}`);

/** socat's address for the pod's TCP service. */
export const podHttpAddress = (name: string): string => `SYSTEM:${socatEscape(podHttpShell(name))}`;

/** What a client sends: a request head with no Host (HTTP/1.0 needs none). */
export const HTTP_REQUEST = 'GET / HTTP/1.0\r\n\r\n';

/** The pod that answered, from a response: its body, trimmed (the whole text when it has no head). */
export function podNameFromHttp(response: string): string {
  const at = response.indexOf('\r\n\r\n');
  return (at >= 0 ? response.slice(at + 4) : response).trim();
}

/** True when the response is our pods' HTTP/1.0 200 answer. */
export const isHttpOk = (response: string): boolean => /^HTTP\/1\.[01] 200 /.test(response);
