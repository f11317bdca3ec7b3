/**
 * @module OpenAPI definitions of the CRUD routes of one object kind:
 * list/create on the collection, read/replace/patch/delete on `/{name}`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { Name, pageOf, WritePreview } from '../../../contract/index.js';
import { PageQuery, problemResponses } from '../common.js';
import { resourceSchema, type ObjectKind } from './kinds.js';

/** `?cascade=true`: delete (or edit) what depends on the object too; without it, a 409 names them. */
export const CascadeQuery = z.object({
  cascade: z.enum(['true', 'false']).default('false').meta({
    description:
      'Also change what depends on the object, each change audited with its full before; without it, a 409 lists them',
  }),
});

/** `?dryRun=true`: validate against the site with the change applied, answer the preview, roll back. */
export const DryRunQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('false').meta({
    description:
      'Check the write against the site with it applied and answer what it would do (a WritePreview: the changes, the revision, the effect on each director), then roll back: nothing changes',
  }),
});

const preview = {
  description: 'Dry run: what the write would do',
  content: { 'application/json': { schema: WritePreview } },
};

const DELETE_DESCRIPTION: Record<ObjectKind['type'], string> = {
  director:
    'A director that is a member of VRRP instances is refused (409, naming them) unless cascade=true, which removes it from their members (an instance left without members is deleted, with its virtual servers).',
  'vrrp-instance':
    'A VRRP instance that virtual servers name is refused (409, naming them) unless cascade=true, which deletes those virtual servers and their real servers.',
  'virtual-server':
    "A virtual server with real servers, or tracked by a VRRP instance's virtual-server check, is refused (409, naming them) unless cascade=true, which deletes its real servers and removes those checks.",
  'real-server': 'Nothing depends on a real server; cascade changes nothing.',
};

/** The path parameters of an object route. */
export interface ObjectParams {
  site: string;
  virtualServer?: string;
  name?: string;
}

/** `ams1/virtual-servers/web-http/real-servers/web1`: an object's audit resource and Location. */
export function resourcePath(kind: ObjectKind, params: ObjectParams, name: string): string {
  return collectionPath(kind)
    .replace('/v1/sites/{site}', params.site)
    .replace('{virtualServer}', params.virtualServer ?? '')
    .concat(`/${name}`);
}

export function collectionPath(kind: ObjectKind): string {
  return kind.type === 'real-server'
    ? '/v1/sites/{site}/virtual-servers/{virtualServer}/real-servers'
    : `/v1/sites/{site}/${kind.plural}`;
}

export function objectRoutes(kind: ObjectKind) {
  const collection = collectionPath(kind);
  const item = `${collection}/{name}`;
  const tags = [kind.plural];
  const resource = resourceSchema(kind);
  const json = <T extends z.ZodType>(schema: T) => ({
    content: { 'application/json': { schema } },
  });
  const parentParams =
    kind.type === 'real-server'
      ? z.object({ site: Name, virtualServer: Name })
      : z.object({ site: Name });
  const itemParams = parentParams.extend({ name: Name });
  const conditional = z.object({
    'if-match': z
      .string()
      .optional()
      .meta({ description: 'ETag the change is based on; 412 when stale' }),
  });
  const readable = kind.type.replace('-', ' ');

  return {
    list: createRoute({
      method: 'get',
      path: collection,
      tags,
      summary: `List ${readable}s`,
      request: {
        params: parentParams,
        query: PageQuery.extend({
          selector: z
            .string()
            .max(1024)
            .optional()
            .meta({ description: 'Label selector, e.g. app=web,version!=v1' }),
        }),
      },
      responses: {
        200: {
          description: 'A page, in name order',
          ...json(pageOf(resource)),
        },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    create: createRoute({
      method: 'post',
      path: collection,
      tags,
      summary: `Create a ${readable}`,
      request: {
        params: parentParams,
        query: DryRunQuery,
        body: { required: true, ...json(kind.spec) },
      },
      responses: {
        200: preview,
        201: { description: 'Created', ...json(resource) },
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
      },
    }),
    get: createRoute({
      method: 'get',
      path: item,
      tags,
      summary: `Read a ${readable}`,
      request: { params: itemParams },
      responses: {
        200: { description: 'The object; ETag is its version', ...json(resource) },
        ...problemResponses(401, 403, 404),
      },
    }),
    put: createRoute({
      method: 'put',
      path: item,
      tags,
      summary: `Create or replace a ${readable}`,
      request: {
        params: itemParams,
        query: DryRunQuery,
        headers: conditional.extend({
          'if-none-match': z.string().optional().meta({ description: '`*`: create only' }),
        }),
        body: { required: true, ...json(kind.spec.partial({ name: true })) },
      },
      responses: {
        200: {
          description: 'Replaced (or unchanged); with dryRun=true, a WritePreview',
          ...json(z.union([resource, WritePreview])),
        },
        201: { description: 'Created', ...json(resource) },
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422),
      },
    }),
    patch: createRoute({
      method: 'patch',
      path: item,
      tags,
      summary: `Change fields of a ${readable} (JSON merge patch, RFC 7396)`,
      description:
        kind.operatorFields.length > 0
          ? `Operators may change only: ${kind.operatorFields.join(', ')}.`
          : 'Admins only.',
      request: {
        params: itemParams,
        query: DryRunQuery,
        headers: conditional,
        body: {
          required: true,
          content: {
            'application/merge-patch+json': { schema: z.record(z.string(), z.unknown()) },
            'application/json': { schema: z.record(z.string(), z.unknown()) },
          },
        },
      },
      responses: {
        200: {
          description: 'Changed; with dryRun=true, a WritePreview',
          ...json(z.union([resource, WritePreview])),
        },
        ...problemResponses(400, 401, 403, 404, 412, 413, 415, 422),
      },
    }),
    delete: createRoute({
      method: 'delete',
      path: item,
      tags,
      summary: `Delete a ${readable}`,
      description: DELETE_DESCRIPTION[kind.type],
      request: {
        params: itemParams,
        headers: conditional,
        query: CascadeQuery.extend(DryRunQuery.shape),
      },
      responses: {
        200: preview,
        204: { description: 'Deleted' },
        ...problemResponses(401, 403, 404, 409, 412),
      },
    }),
  };
}
