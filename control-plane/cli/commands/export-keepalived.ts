/**
 * @module `fleetlb export keepalived`: a director's compiled desired-state document, rendered as
 * keepalived.conf by the contract's renderer. The document comes from the operator-facing route
 * `GET /v1/sites/{site}/directors/{name}/document`; the CLI compiles nothing itself. What
 * keepalived cannot express is printed as warnings (path into the document) on stderr.
 */
import { stringOption, type Command, type Invocation } from '../command.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import { ApiError } from '../http-client.js';
import { objectPath } from '../kinds.js';
import { serialize } from '../output.js';

export const DOCUMENT_ROUTE = '/v1/sites/{site}/directors/{name}/document';
/** Whether the control plane serves the document route (its OpenAPI description lists it). */
async function hasDocumentRoute(inv: Invocation): Promise<boolean> {
  const doc = await inv.client().find<{ paths?: Record<string, unknown> }>('/openapi.json');
  return doc?.body.paths?.[DOCUMENT_ROUTE] !== undefined;
}

export const exportKeepalivedCommand: Command = {
  words: ['export', 'keepalived'],
  summary: "Print a director's desired state as keepalived.conf",
  usage: '--site SITE --director NAME',
  description: 'With -o json|yaml, prints the desired-state document instead of rendering it.',
  options: {
    site: { type: 'string', short: 's', value: 'SITE', description: 'The site' },
    director: { type: 'string', value: 'NAME', description: 'The director' },
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const director = stringOption(inv.options, 'director');
    if (director === undefined) throw usageError('export keepalived needs --director NAME');
    const path = `${objectPath({ kind: 'Director', site: inv.site(), name: director })}/document`;
    let body: unknown;
    try {
      body = (await inv.client().get(path)).body;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && !(await hasDocumentRoute(inv)))
        throw new CliError(
          EXIT.error,
          `this control plane has no route for a director's document (GET ${DOCUMENT_ROUTE})`,
        );
      throw err;
    }
    const { parseDesiredState } = await import('../../../contract/index.js');
    const parsed = parseDesiredState(body);
    if (!parsed.success) throw parsed.error;
    const document = parsed.data;
    if (inv.globals.output !== 'table') {
      inv.out(serialize(document, inv.globals.output));
      return;
    }
    // Loaded here only: the renderer and the contract are needed by this command alone.
    const { renderKeepalivedConfWithWarnings } =
      await import('../../../contract/keepalived/render.js');
    const rendered = renderKeepalivedConfWithWarnings(document);
    for (const w of rendered.warnings) inv.err(`warning: ${w.path.join('.')}: ${w.message}`);
    inv.out(rendered.text);
  },
};
