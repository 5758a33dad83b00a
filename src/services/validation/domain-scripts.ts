import { toUnicode } from '../../lib/idna.ts';
import { CabinetError } from '../../lib/errors.ts';
import { domainForDisplay } from '../../schema/field-rules.ts';

/**
 * UTS 39 mixed-script detection for domain labels (https://www.unicode.org/reports/tr39/#Mixed_Script_Detection):
 * "аpple" with a Cyrillic а passes for apple.com. A label is fine when it is written in one script (its
 * resolved script set is not empty) or in one of the combinations UTS 39's Highly Restrictive level allows
 * (Latin with Han and Japanese kana, with Han and Bopomofo, or with Han and Hangul). The scripts of each
 * character are Unicode's Script_Extensions, read through the regex engine; the list below only names the
 * scripts to ask about (any the engine does not know is skipped).
 */
const SCRIPT_CODES = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi Buhd Cakm Cans Cari ' +
  'Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth ' +
  'Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr ' +
  'Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend ' +
  'Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge ' +
  'Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sidt ' +
  'Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa ' +
  'Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'
).split(' ');

// Built on the first non-ASCII domain (some 170 expressions, 10-20 ms of CPU): ASCII ones never need them.
let scripts: [code: string, test: RegExp][] | undefined;
const allScripts = (): [code: string, test: RegExp][] =>
  (scripts ??= SCRIPT_CODES.flatMap((code) => {
    try {
      return [[code, new RegExp(`^\\p{Script_Extensions=${code}}$`, 'u')] as [string, RegExp]];
    } catch {
      return [];
    }
  }));

// Common and Inherited characters (digits, the hyphen, combining marks) go with any script.
const ANY_SCRIPT = /^[\p{Script_Extensions=Zyyy}\p{Script_Extensions=Zinh}]$/u;
const ASCII_LABEL = /^[a-z0-9-]*$/;

// UTS 39 §5.1: Han, the kana and Hangul also count as the writing systems they are part of.
const AUGMENT: Record<string, string[]> = { Hani: ['Hanb', 'Jpan', 'Kore'], Hira: ['Jpan'], Kana: ['Jpan'], Hang: ['Kore'], Bopo: ['Hanb'] };

function scriptsOf(ch: string): Set<string> | 'any' {
  if (ANY_SCRIPT.test(ch)) return 'any';
  const set = new Set<string>();
  for (const [code, test] of allScripts()) {
    if (!test.test(ch)) continue;
    set.add(code);
    for (const extra of AUGMENT[code] ?? []) set.add(extra);
  }
  // A character of a script this engine has no name for stands alone: it mixes with anything.
  if (set.size === 0) set.add(`U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
  return set;
}

/** The resolved script set of `text` (UTS 39), skipping the characters `skip` says go with anything. */
function resolved(chars: string[], skip: (scripts: Set<string>) => boolean): Set<string> | 'any' {
  let out: Set<string> | undefined;
  for (const ch of chars) {
    const scripts = scriptsOf(ch);
    if (scripts === 'any' || skip(scripts)) continue;
    out = out === undefined ? new Set(scripts) : new Set([...out].filter((s: string) => scripts.has(s)));
  }
  return out ?? 'any';
}

let names: Intl.DisplayNames | undefined;
const scriptName = (code: string) => (code.startsWith('U+') ? code : ((names ??= new Intl.DisplayNames(['en'], { type: 'script' })).of(code) ?? code));

export interface MixedLabel {
  /** The label as people read it (Unicode). */
  label: string;
  /** The scripts it mixes, by name: ['Cyrillic', 'Latin']. */
  scripts: string[];
}

const cache = new Map<string, MixedLabel | undefined>();

/** The first label of a (stored, A-label) domain that mixes scripts, or undefined when every label is one script. */
export function mixedScriptLabel(asciiDomain: string): MixedLabel | undefined {
  // Plain ASCII without an A-label is Latin (and Common) only: the usual case, answered at once.
  if (!asciiDomain.includes('xn--') && /^[\x00-\x7f]*$/.test(asciiDomain)) return undefined;
  if (cache.has(asciiDomain)) return cache.get(asciiDomain);
  const found = findMixedLabel(asciiDomain);
  if (cache.size > 1000) cache.clear();
  cache.set(asciiDomain, found);
  return found;
}

function findMixedLabel(asciiDomain: string): MixedLabel | undefined {
  const { domain } = toUnicode(asciiDomain, { checkHyphens: false, checkBidi: false, checkJoiners: false, useSTD3ASCIIRules: false });
  for (const label of domain.split('.')) {
    if (ASCII_LABEL.test(label)) continue;
    const chars = [...label];
    const single = resolved(chars, () => false);
    if (single === 'any' || single.size > 0) continue;
    // Highly Restrictive: Latin may join Han + kana, Han + Bopomofo or Han + Hangul.
    const withoutLatin = resolved(chars, (s) => s.has('Latn'));
    if (withoutLatin !== 'any' && ['Jpan', 'Hanb', 'Kore'].some((s) => withoutLatin.has(s))) continue;
    const found = new Set<string>();
    for (const ch of chars) {
      const scripts = scriptsOf(ch);
      if (scripts === 'any') continue;
      // A character in several scripts (Script_Extensions) is named by its first real one.
      const first = [...scripts].find((s) => !['Hanb', 'Jpan', 'Kore'].includes(s));
      if (first) found.add(scriptName(first));
    }
    return { label, scripts: [...found].sort() };
  }
  return undefined;
}

/** "label "аpple" mixes Cyrillic and Latin" for messages, or undefined. */
export function mixedScriptWarning(asciiDomain: string): string | undefined {
  const mixed = mixedScriptLabel(asciiDomain);
  if (!mixed) return undefined;
  const list = mixed.scripts.length <= 2 ? mixed.scripts.join(' and ') : `${mixed.scripts.slice(0, -1).join(', ')} and ${mixed.scripts.at(-1)}`;
  return `label "${mixed.label}" mixes ${list} letters`;
}

/** What lists append to a domain that mixes scripts. */
export const MIXED_SCRIPT_MARK = '⚠ mixed scripts';

/** A stored domain as lists show it: its display form, marked when a label mixes scripts. */
export function listedDomain(stored: string): string {
  const shown = domainForDisplay(stored);
  return mixedScriptLabel(stored) ? `${shown} ${MIXED_SCRIPT_MARK}` : shown;
}

/**
 * Refuses a new domain that mixes scripts unless the person said it is meant: one line naming the label
 * and the scripts (CabinetError, code `mixed-script`, field `domain`).
 */
export function assertDomainScripts(asciiDomain: string, allowMixedScript: boolean | undefined): void {
  if (allowMixedScript) return;
  const warning = mixedScriptWarning(asciiDomain);
  if (!warning) return;
  const message = `domain ${domainForDisplay(asciiDomain)} (${asciiDomain}): ${warning}, so it can pass for another domain`;
  throw new CabinetError(message, { code: 'mixed-script', fields: { domain: message }, hint: 'if it is meant: --allow-mixed-script on the command line, M on the console\'s review' });
}
