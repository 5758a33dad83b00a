import { toASCII, toUnicode } from '../lib/idna.ts';
import { LINE_MAX_CHARS, PROMPT_MAX_CHARS } from './limits.ts';

/**
 * Field validators shared by the console (shown next to the field as you type), the commands and the
 * services (checked again before anything is written). Each returns the normalised value or an error.
 */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(error: string): FieldResult<T> => ({ ok: false, error });


const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// C0/C1 controls and DEL: never in a one-line field (tab and newline included).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidi overrides/isolates and zero-width characters: they make a value look like another.
const DECEPTIVE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Rejects what no field may hold: NUL bytes (PostgreSQL text cannot) and lone surrogates (not UTF-8). */
export function checkEncodable(value: string): string | undefined {
  if (NUL.test(value)) return 'contains a NUL byte';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired surrogate (not valid Unicode)';
  return undefined;
}

/** A one-line text field: trimmed, no control or invisible characters, a length limit. */
export function oneLine(value: string, options: { required: boolean; max: number; label: string }): FieldResult<string | null> {
  const bad = checkEncodable(value);
  if (bad) return fail(`${options.label} ${bad}`);
  if (CONTROL.test(value)) return fail(`${options.label} must be one line without control characters`);
  if (DECEPTIVE.test(value)) return fail(`${options.label} must not contain invisible or bidi-override characters`);
  const trimmed = value.trim();
  if (trimmed === '') return options.required ? fail(`${options.label} is required`) : ok(null);
  if ([...trimmed].length > options.max) return fail(`${options.label} is longer than ${options.max} characters`);
  return ok(trimmed);
}

const SITE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function siteId(value: string): FieldResult<string> {
  const v = value.trim();
  if (v === '') return fail('site id is required');
  if (!SITE_ID.test(v)) return fail('site id: 1–64 lower-case letters, digits and inner hyphens (e.g. acme-de)');
  return ok(v);
}

// UTS 46 as registries and browsers apply it to a name being registered or typed: hyphen rules, the
// right-to-left rules (RFC 5893), ZWJ/ZWNJ only where a script needs them (RFC 5892), STD3 characters.
const UTS46 = { checkHyphens: true, checkBidi: true, checkJoiners: true, useSTD3ASCIIRules: true, transitionalProcessing: false } as const;
// Only decoding and mapping: what a stored label says, however it was written.
const LENIENT = { checkHyphens: false, checkBidi: false, checkJoiners: false, useSTD3ASCIIRules: false } as const;

/** Why UTS 46 refuses one label (`typed` as given, `label` its lower-case A-label form); undefined when it does not. */
function labelProblem(typed: string, label: string): string | undefined {
  const shown = `domain label "${typed}"`;
  let unicode = label;
  if (label.startsWith('xn--')) {
    const decoded = toUnicode(label, LENIENT);
    if (decoded.error) return `${shown} is not valid punycode (an xn-- label must decode to Unicode text that IDNA allows)`;
    unicode = decoded.domain;
  }
  const again = toASCII(unicode, UTS46);
  if (again !== null) {
    if (label.startsWith('xn--') && again !== label) return `${shown} is not the canonical punycode of "${unicode}" (that is ${again})`;
    return undefined;
  }
  if (unicode.startsWith('-') || unicode.endsWith('-')) return `${shown} starts or ends with a hyphen`;
  if (unicode.slice(2, 4) === '--') return `${shown} has "--" in the 3rd and 4th place (reserved for xn-- labels)`;
  if (/[\u200c\u200d]/.test(unicode)) return `${shown} has a zero-width joiner or non-joiner where IDNA allows none`;
  if (/^\p{M}/u.test(unicode)) return `${shown} starts with a combining mark`;
  if (/[_]/.test(unicode)) return `${shown} may use only letters, digits and inner hyphens`;
  return `${shown} is not allowed in a domain name (UTS 46: a disallowed character, or right-to-left text mixed with left-to-right)`;
}

// UTS 46's label separators: the full stop and its ideographic and full-width forms.
const LABEL_SEPARATOR = /[.\u3002\uff0e\uff61]/;

/**
 * A host name: Unicode (IDN) allowed, stored as lower-case ASCII A-labels (punycode), as DNS and
 * browsers see it. No scheme, path, port, user info or wildcard; RFC 1035 label and length limits; UTS 46
 * with CheckHyphens, CheckBidi and CheckJoiners, and an xn-- label must be punycode that decodes and
 * encodes back to itself (xn--zz.com and xn--a.com are refused). Whether a label mixes scripts is a
 * separate question (domain-scripts.ts): such a name can be meant, so it asks for a confirmation.
 */
export function domain(value: string): FieldResult<string> {
  const bad = checkEncodable(value);
  if (bad) return fail(`domain ${bad}`);
  const v = value.trim().replace(/\.$/, '');
  if (v === '') return fail('domain is required');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return fail('domain: without a scheme (acme.de, not https://acme.de)');
  if (/[/?#]/.test(v)) return fail('domain: without a path (acme.de, not acme.de/shop)');
  if (/@/.test(v)) return fail('domain: without user info');
  if (/:\d*$/.test(v)) return fail('domain: without a port');
  if (/\s/.test(v) || CONTROL.test(v)) return fail('domain must not contain spaces or control characters');
  if (v.includes('*')) return fail('domain: no wildcards');
  if (/^\d+(\.\d+){3}$/.test(v) || v.startsWith('[')) return fail('domain: a host name, not an IP address');
  const labels = v.split(LABEL_SEPARATOR);
  if (labels.length < 2) return fail('domain needs at least two labels (acme.de)');
  for (const typed of labels) {
    if (typed.length === 0) return fail('domain has an empty label (two dots in a row)');
    // Mapped (case folding, width) to the A-label DNS would see, without judging it yet.
    const problem = labelProblem(typed, /^[\x00-\x7f]*$/.test(typed) ? typed.toLowerCase() : (toASCII(typed, LENIENT) ?? typed));
    if (problem) return fail(problem);
  }
  const ascii = toASCII(v, { ...UTS46, verifyDNSLength: false });
  // Each label passed: what is left is the right-to-left rule across labels (RFC 5893 applies it to the whole name).
  if (!ascii) return fail('domain mixes a right-to-left label with labels IDNA does not allow beside it (UTS 46 CheckBidi)');
  if (/^\d+(\.\d+){3}$/.test(ascii)) return fail('domain: a host name, not an IP address');
  if (ascii.length > 253) return fail('domain is longer than 253 characters');
  for (const label of ascii.split('.')) {
    if (label.length > 63) return fail(`domain label "${label.slice(0, 20)}…" is longer than 63 characters`);
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label)) return fail(`domain label "${label}" may use only letters, digits and inner hyphens`);
  }
  if (/^\d+$/.test(ascii.split('.').at(-1)!)) return fail('domain: the last label cannot be all digits');
  return ok(ascii);
}

/**
 * For display: the Unicode form of a stored A-label domain (münchen.de rather than xn--mnchen-3ya.de), but
 * only when it reads back to exactly what is stored and passes UTS 46; otherwise the stored text, so that a
 * value written outside cabinet (upper case, invalid punycode, a zero-width character that mapping would
 * drop) is shown as it is.
 */
export function domainForDisplay(stored: string): string {
  if (!stored.includes('xn--')) return stored;
  const unicode = toUnicode(stored, UTS46);
  return !unicode.error && toASCII(unicode.domain, UTS46) === stored ? unicode.domain : stored;
}

/** A BCP 47 language tag, canonicalised (`pt-br` → `pt-BR`, `EN` → `en`). */
export function language(value: string): FieldResult<string> {
  const v = value.trim();
  if (v === '') return fail('language is required (e.g. en, de, pt-BR)');
  if (!/^[A-Za-z0-9-]{2,35}$/.test(v)) return fail('language: a BCP 47 tag such as en, de or pt-BR');
  try {
    const [canonical] = Intl.getCanonicalLocales(v);
    if (!canonical) return fail('language: a BCP 47 tag such as en, de or pt-BR');
    return ok(canonical);
  } catch {
    return fail(`language: "${v}" is not a valid BCP 47 tag (e.g. en, de, pt-BR)`);
  }
}

/** HubSpot pipeline and stage ids: numeric ids or internal names such as `default`, `appointmentscheduled`. */
export function hubspotId(value: string, label: string): FieldResult<string | null> {
  const v = value.trim();
  if (v === '') return ok(null);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(v)) return fail(`${label}: letters, digits, _ and - only (a HubSpot id such as 12345678 or default)`);
  return ok(v);
}

export function aiScriptId(value: string): FieldResult<string | null> {
  const v = value.trim();
  if (v === '') return ok(null);
  if (!/^[A-Za-z0-9._:\/@-]{1,200}$/.test(v)) return fail('AI script id: up to 200 letters, digits and . _ : / @ -');
  return ok(v);
}

export function brandName(value: string): FieldResult<string> {
  const r = oneLine(value, { required: true, max: LINE_MAX_CHARS, label: 'brand name' });
  return r.ok ? ok(r.value as string) : r;
}

/** A plain optional text column: one line, trimmed, empty clears it (NULL). */
export function optionalLine(value: string, label: string): FieldResult<string | null> {
  return oneLine(value, { required: false, max: LINE_MAX_CHARS, label });
}

/** The prompt: multi-line text; line endings normalised to \n; NUL and lone surrogates refused; size-limited. */
export function aiPrompt(value: string): FieldResult<string> {
  if (value.length > PROMPT_MAX_CHARS * 2) return fail(`the prompt is longer than ${PROMPT_MAX_CHARS.toLocaleString('en')} characters`);
  const bad = checkEncodable(value);
  if (bad) return fail(`the prompt ${bad}`);
  const normalised = value.replace(/\r\n?/g, '\n');
  if ([...normalised].length > PROMPT_MAX_CHARS) return fail(`the prompt is longer than ${PROMPT_MAX_CHARS.toLocaleString('en')} characters`);
  return ok(normalised);
}

// The HTML Living Standard's "valid e-mail address" (https://html.spec.whatwg.org/#valid-e-mail-address).
const HTML_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function email(value: string): FieldResult<string> {
  const v = value.trim();
  if (v === '') return fail('email is required');
  if (v.length > 254) return fail('email is longer than 254 characters');
  if (!HTML_EMAIL.test(v)) return fail('email is not a valid address (name@example.com)');
  return ok(v);
}

/** Zitadel's `sub` (numeric), or another IdP's subject: printable ASCII without spaces. */
export function userId(value: string): FieldResult<string> {
  const v = value.trim();
  if (v === '') return fail('user id is required (the Zitadel sub)');
  if (!/^[\x21-\x7e]{1,255}$/.test(v)) return fail('user id: up to 255 printable ASCII characters without spaces (the Zitadel sub)');
  return ok(v);
}

export function timestamp(value: string | Date, label: string): FieldResult<Date> {
  const d = value instanceof Date ? value : new Date(value.trim());
  if (Number.isNaN(d.getTime())) return fail(`${label} is not a valid date and time (e.g. 2026-11-23T10:00:00Z)`);
  return ok(d);
}
