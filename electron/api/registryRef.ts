/**
 * What a registry host and an image namespace may be where Lifeboat builds image references from
 * them (Setup's private registry): a comma, space or other separator would let one field add an
 * image or a plugin to `velero install --plugins`/KOTS's image list.
 */
import { z } from 'zod';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST_RE = new RegExp(`^(?:https?://)?${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?/?$`);
const SEGMENT = '[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?';
const NAMESPACE_RE = new RegExp(`^/?${SEGMENT}(?:/${SEGMENT})*/?$`);

/** host or host:port (an http(s):// prefix and a trailing slash are tolerated and stripped later). */
export const RegistryHost = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .refine((v) => HOST_RE.test(v) && Number(/:(\d+)\/?$/.exec(v)?.[1] ?? 0) <= 65535, {
    message: 'A registry host is a host name or IP address, with an optional :port (e.g. registry.internal:5000); no path, comma or space.',
  });

/** Path segments of lowercase letters, digits, ".", "_" and "-", separated by "/" (e.g. "lifeboat/velero"); empty for none. */
export const RegistryNamespace = z
  .string()
  .trim()
  .max(253)
  .refine((v) => v === '' || NAMESPACE_RE.test(v), {
    message:
      'A registry namespace is path segments of lowercase letters, digits, ".", "_" and "-" separated by "/" (e.g. lifeboat/velero); no comma, colon, "@" or space.',
  });
