/**
 * A few hundred demo users, the same on every run (a seeded generator and a fixed reference time), so
 * seeding twice changes nothing. Ids look like Zitadel subs (18 digits); addresses use example domains.
 */
export interface DemoUser {
  user_id: string;
  email: string;
  first_seen: string;
  last_seen: string;
}

export const DEMO_USER_COUNT = 300;
/** "Now" for the demo: first/last seen fall in the 18 months before it. */
const REFERENCE = Date.parse('2026-11-16T00:00:00Z');
const DAY = 86_400_000;

const FIRST = [
  'anna', 'lukas', 'sophie', 'jonas', 'marie', 'felix', 'lena', 'paul', 'emma', 'leon', 'mia', 'finn', 'hannah', 'noah', 'laura',
  'james', 'olivia', 'liam', 'emily', 'oliver', 'ava', 'ethan', 'chloe', 'daniel', 'grace', 'samuel', 'ella', 'henry', 'zoe',
  'ivan', 'olga', 'dmitry', 'anastasia', 'sergey', 'ekaterina', 'alexey', 'maria', 'nikolai', 'tatiana', 'pavel', 'yulia', 'artem',
];
const LAST = [
  'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'hoffmann', 'koch', 'richter', 'wolf',
  'smith', 'johnson', 'brown', 'taylor', 'wilson', 'davies', 'evans', 'thomas', 'roberts', 'walker', 'clarke', 'hughes',
  'ivanov', 'smirnova', 'kuznetsov', 'popova', 'vasiliev', 'petrova', 'sokolov', 'mikhailova', 'novikov', 'fedorova', 'morozov',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'post.example', 'web.example'];

/** mulberry32: tiny, fast, and the same sequence everywhere for a given seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoUsers(): DemoUser[] {
  const random = generator(20261116);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const ids = new Set<string>();
  const emails = new Set<string>();
  const users: DemoUser[] = [];
  while (users.length < DEMO_USER_COUNT) {
    let id = '2';
    for (let i = 0; i < 17; i++) id += Math.floor(random() * 10);
    const first = pick(FIRST);
    const last = pick(LAST);
    const style = random();
    const local = style < 0.5 ? `${first}.${last}` : style < 0.75 ? `${first[0]}${last}` : `${first}${Math.floor(random() * 90 + 10)}`;
    const email = `${local}@${pick(DOMAINS)}`;
    // Sign-ups spread over 18 months; most users came back recently, some only once.
    const firstSeen = REFERENCE - Math.floor(random() * 540 * DAY) - Math.floor(random() * DAY);
    const span = REFERENCE - firstSeen;
    const returning = random() < 0.8;
    const lastSeen = returning ? firstSeen + Math.floor(span * (1 - random() ** 2)) : firstSeen + Math.floor(random() * 3_600_000);
    if (ids.has(id) || emails.has(email)) continue;
    ids.add(id);
    emails.add(email);
    users.push({ user_id: id, email, first_seen: new Date(firstSeen).toISOString(), last_seen: new Date(lastSeen).toISOString() });
  }
  return users;
}
