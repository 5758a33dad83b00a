import { codePointLength } from './graphemes.ts';

/** What the status line says about a prompt: characters (as PostgreSQL counts), UTF-8 bytes, ≈ tokens. */
export interface PromptStats {
  chars: number;
  bytes: number;
  tokens: number;
}

export function promptStats(text: string): PromptStats {
  const chars = codePointLength(text);
  // ~4 characters per token is the usual rule of thumb for English; it is an estimate and shown as one (≈).
  return { chars, bytes: Buffer.byteLength(text, 'utf8'), tokens: Math.ceil(chars / 4) };
}

export function formatPromptStats(s: PromptStats): string {
  return `${s.chars.toLocaleString('en')} chars · ${s.bytes.toLocaleString('en')} bytes · ≈${s.tokens.toLocaleString('en')} tokens`;
}
