/** @module Diagnostics and source positions shared by the keepalived.conf lexer, parser and interpreters. */

/** A place in a configuration file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A problem found while reading keepalived.conf; errors are values, never exceptions. */
export interface KeepalivedDiagnostic extends SourcePosition {
  severity: 'error' | 'warning';
  message: string;
}

/** Builds a diagnostic at `at`. */
export function diagnostic(
  severity: KeepalivedDiagnostic['severity'],
  at: SourcePosition,
  message: string,
): KeepalivedDiagnostic {
  return { severity, message, file: at.file, line: at.line, column: at.column };
}

/** `file:line:column: severity: message`, the form compilers print. */
export function formatDiagnostic(d: KeepalivedDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
