/**
 * Collects the places a field misses, for the schema walks (walk-site-field.ts, user-schema.test.ts): a
 * place misses it when its check returns false, or throws (a validator that does not know the field).
 */
export function placeChecker(): { missing: string[]; check(place: string, ok: () => boolean): void } {
  const missing: string[] = [];
  const check = (place: string, ok: () => boolean) => {
    let passed = false;
    try {
      passed = ok();
    } catch {
      passed = false;
    }
    if (!passed) missing.push(place);
  };
  return { missing, check };
}
