// What Google's front end answers before a request reaches Compute Engine: a POST or PUT without a
// body length (no Content-Length, not chunked) gets 411 Length Required as an HTML page, the shape
// of Google's own error pages, not the API's JSON error. `curl -X POST URL` with no data sends such
// a request; `-H 'Content-Length: 0'` (or `-d ''`) is a valid one.
import type { IncomingHttpHeaders } from 'node:http';

export function needsLength(method: string, headers: IncomingHttpHeaders): boolean {
  return (
    (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
    headers['content-length'] === undefined &&
    headers['transfer-encoding'] === undefined
  );
}

export function lengthRequiredPage(method: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang=en>',
    '  <meta charset=utf-8>',
    '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">',
    '  <title>Error 411 (Length Required)!!1</title>',
    '  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>',
    '  <p><b>411.</b> <ins>That’s an error.</ins>',
    `  <p>${method} requests require a <code>Content-length</code> header.  <ins>That’s all we know.</ins>`,
    '',
  ].join('\n');
}
