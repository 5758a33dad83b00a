/**
 * A binary COPY timestamptz (microseconds since 2000-01-01 UTC, an int64) written as the export's JSON time,
 * straight into the output buffer: the date part of copy-binary.ts's encoder.
 */

const QUOTE = 34;
const US_PER_DAY = 86_400_000_000;
const US_PER_HOUR = 3_600_000_000;
/** Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_DAYS = 10_957;

export function put(bytes: Buffer, out: Buffer, o: number): number {
  for (let k = 0; k < bytes.length; k++) out[o++] = bytes[k]!;
  return o;
}

/** '00' to '99', two bytes each. */
const PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

function pair(value: number, out: Buffer, o: number): void {
  out[o] = PAIRS[2 * value]!;
  out[o + 1] = PAIRS[2 * value + 1]!;
}

export const int32 = (b: Buffer, p: number) => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;

/** The date of `days` after 1970-01-01 as `YYYY-MM-DD` (years past 9999 in full, BC years as PostgreSQL counts them) and whether it is BC. */
function civilDate(days: number): [text: string, bc: boolean] {
  // Howard Hinnant's civil_from_days, proleptic Gregorian.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const shown = year > 0 ? year : 1 - year;
  return [`${String(shown).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, year <= 0];
}

/** Recent dates by day, direct-mapped: a table's times fall on few days, and a date costs more than a copy. */
const CACHE = 4096;
const cachedDay = new Float64Array(CACHE).fill(Number.NaN);
const cachedDate = Buffer.alloc(CACHE * 10);

/** Days from 1970-01-01 and microseconds of the day, of a timestamp's int64 (high and low halves), exactly at any size. */
let days = 0;
let dayUs = 0;
function split(hi: number, lo: number): void {
  if (hi >= -0x100000 && hi < 0x100000) {
    const us = hi * 0x100000000 + lo; // within 2^52: exact
    const d = Math.floor(us / US_PER_DAY);
    days = d + PG_EPOCH_DAYS;
    dayUs = us - d * US_PER_DAY;
    return;
  }
  const us = (BigInt(hi) << 32n) | BigInt(lo);
  let d = us / BigInt(US_PER_DAY);
  if (us < 0n && d * BigInt(US_PER_DAY) !== us) d -= 1n;
  days = Number(d) + PG_EPOCH_DAYS;
  dayUs = Number(us - d * BigInt(US_PER_DAY));
}

/** '000' to '999', three bytes each: a fraction's six digits in two copies. */
const TRIPLES = Buffer.from(Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0')).join(''), 'latin1');

/** `THH:MM:SS.ffffffZ` of `dayUs` microseconds into a day (0 to 86,399,999,999), at `o`; returns the end. */
function timeOfDay(dayUs: number, out: Buffer, o: number): number {
  const seconds = Math.floor(dayUs / 1_000_000);
  const fraction = dayUs - seconds * 1_000_000;
  out[o] = 84; // T
  pair((seconds / 3600) | 0, out, o + 1);
  out[o + 3] = 58;
  pair(((seconds / 60) | 0) % 60, out, o + 4);
  out[o + 6] = 58;
  pair(seconds % 60, out, o + 7);
  out[o + 9] = 46;
  const high = (fraction / 1000) | 0;
  const low = fraction - high * 1000;
  out[o + 10] = TRIPLES[3 * high]!;
  out[o + 11] = TRIPLES[3 * high + 1]!;
  out[o + 12] = TRIPLES[3 * high + 2]!;
  out[o + 13] = TRIPLES[3 * low]!;
  out[o + 14] = TRIPLES[3 * low + 1]!;
  out[o + 15] = TRIPLES[3 * low + 2]!;
  out[o + 16] = 90; // Z
  return o + 17;
}

/**
 * A timestamptz (microseconds since 2000-01-01 UTC) as `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` in proleptic
 * Gregorian UTC: years past 9999 in full, ` BC` after the `Z` for year 1 BC and before (PostgreSQL's years),
 * `infinity` and `-infinity` as they are: what isoSql writes.
 */
export function timestampJson(b: Buffer, at: number, out: Buffer, o: number): number {
  const hi = int32(b, at);
  const lo = int32(b, at + 4) >>> 0;
  out[o++] = QUOTE;
  if (hi >= -0x100000 && hi < 0x100000) {
    // Within 2^52 microseconds of 2000 (1857 to 2142): exact in a double, and the date is nearly always cached.
    const us = hi * 0x100000000 + lo;
    const d = Math.floor(us / US_PER_DAY);
    const day = d + PG_EPOCH_DAYS;
    const slot = day & (CACHE - 1);
    if (cachedDay[slot] === day) {
      const from = slot * 10;
      for (let k = 0; k < 10; k++) out[o + k] = cachedDate[from + k]!;
      o = timeOfDay(us - d * US_PER_DAY, out, o + 10);
      out[o++] = QUOTE;
      return o;
    }
  }
  if (hi === 0x7fffffff && lo === 0xffffffff) o += out.write('infinity', o, 'latin1');
  else if (hi === -0x80000000 && lo === 0) o += out.write('-infinity', o, 'latin1');
  else {
    split(hi, lo);
    const [text, bc] = civilDate(days);
    o += out.write(text, o, 'latin1');
    if (text.length === 10 && !bc) {
      const slot = days & (CACHE - 1);
      cachedDay[slot] = days;
      cachedDate.write(text, slot * 10, 'latin1');
    }
    o = timeOfDay(dayUs, out, o);
    if (bc) o += out.write(' BC', o, 'latin1');
  }
  out[o++] = QUOTE;
  return o;
}

/**
 * Recent hours, direct-mapped by hours since 2000: `YYYY-MM-DDTHH:` as four words (14 bytes and two
 * spare). Filled from timestampJson's own text on a miss, so both paths write the same bytes.
 */
const HOURS = 1 << 16;
const HOUR_INVERSE = 1 / US_PER_HOUR;
/** Exactly floor(x / 1000) for 0 <= x < 1e6: x * ceil(2^32 / 1000) / 2^32 (exact in a double). */
const THOUSANDTH = 4_294_968;
const TWO_TO_MINUS_32 = 2 ** -32;
let hourKey: Float64Array | null = null;
let hourWords: Int32Array | null = null;
/** `MM:SS.` of each second of an hour, two words each (6 bytes and two spare); the fractions' 3 digits, a word each. */
let minuteWords: Int32Array | null = null;
let tripleWords: Int32Array | null = null;
const Z_QUOTE = 90 | (QUOTE << 8);

/** The ASCII digit of `d` (0 to 9). */
const digit = (d: number) => 48 + d;

/** Fills the tables: arithmetic only (a start pays for them, 15-20 ms when built from strings). */
function tables(): void {
  hourKey = new Float64Array(HOURS).fill(Number.NaN);
  hourWords = new Int32Array(HOURS * 4);
  minuteWords = new Int32Array(3600 * 2);
  for (let s = 0; s < 3600; s++) {
    const minute = (s / 60) | 0;
    const second = s % 60;
    // `MM:S` and `S.` (little-endian: the first byte lowest).
    minuteWords[2 * s] = digit((minute / 10) | 0) | (digit(minute % 10) << 8) | (58 << 16) | (digit((second / 10) | 0) << 24);
    minuteWords[2 * s + 1] = digit(second % 10) | (46 << 8);
  }
  tripleWords = new Int32Array(1000);
  for (let i = 0; i < 1000; i++) tripleWords[i] = digit((i / 100) | 0) | (digit(((i / 10) | 0) % 10) << 8) | (digit(i % 10) << 16);
}

/**
 * timestampJson by words, its opening quote already written (at o - 1): the same bytes, for a time within
 * 2^52 microseconds of 2000 (1857 to 2142) whose hour was seen before; anything else is written by
 * timestampJson (which fills the hour for the next). `src` and `dst` are views of `b` and `out`; up to 3
 * bytes past the end may be overwritten.
 */
export function timestampWords(b: Buffer, src: DataView, at: number, out: Buffer, dst: DataView, o: number): number {
  const hi = src.getInt32(at);
  if (hi >= -0x100000 && hi < 0x100000 && hourKey !== null) {
    const us = hi * 0x100000000 + src.getUint32(at + 4);
    // A multiplication, not a division, then set right where rounding crossed an hour.
    let hour = Math.floor(us * HOUR_INVERSE);
    let inHour = us - hour * US_PER_HOUR;
    if (inHour < 0) {
      hour--;
      inHour += US_PER_HOUR;
    } else if (inHour >= US_PER_HOUR) {
      hour++;
      inHour -= US_PER_HOUR;
    }
    const slot = hour & (HOURS - 1);
    if (hourKey[slot] === hour) {
      const w = slot * 4;
      const words = hourWords!;
      dst.setInt32(o, words[w]!, true);
      dst.setInt32(o + 4, words[w + 1]!, true);
      dst.setInt32(o + 8, words[w + 2]!, true);
      dst.setInt32(o + 12, words[w + 3]!, true);
      let second = (inHour * 1e-6) | 0;
      let fraction = inHour - second * 1_000_000;
      if (fraction >= 1_000_000) {
        second++;
        fraction -= 1_000_000;
      } else if (fraction < 0) {
        second--;
        fraction += 1_000_000;
      }
      const high = (fraction * THOUSANDTH * TWO_TO_MINUS_32) | 0;
      dst.setInt32(o + 14, minuteWords![2 * second]!, true);
      dst.setInt32(o + 18, minuteWords![2 * second + 1]!, true);
      dst.setInt32(o + 20, tripleWords![high]!, true);
      dst.setInt32(o + 23, tripleWords![fraction - high * 1000]!, true);
      dst.setInt16(o + 26, Z_QUOTE, true);
      return o + 28;
    }
  }
  const end = timestampJson(b, at, out, o - 1);
  if (end - o === 28 && hi >= -0x100000 && hi < 0x100000) {
    if (hourKey === null) tables();
    const us = hi * 0x100000000 + src.getUint32(at + 4);
    const hour = Math.floor(us / US_PER_HOUR);
    const slot = hour & (HOURS - 1);
    hourKey![slot] = hour;
    for (let k = 0; k < 4; k++) hourWords![slot * 4 + k] = dst.getInt32(o + 4 * k, true);
  }
  return end;
}
