import type { ReactNode } from 'react';
import { Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import type { Route } from './routes.ts';
import { SitesScreen } from '../screens/sites/sites-screen.tsx';
import { SiteDetailScreen } from '../screens/sites/site-detail-screen.tsx';
import { SiteEditScreen } from '../screens/sites/site-edit-screen.tsx';
import { SiteDeleteScreen } from '../screens/sites/site-delete-screen.tsx';

type RouteOf<N extends Route['name']> = Extract<Route, { name: N }>;

interface ScreenDef<N extends Route['name']> {
  title(route: RouteOf<N>): string;
  render(route: RouteOf<N>): ReactNode;
}

const todo = (what: string) => <Text dimColor>{what}: not built yet</Text>;

/** Every screen, one line each: its title in the header and how to draw it for a route. */
const SCREENS: { [N in Route['name']]: ScreenDef<N> } = {
  sites: { title: () => 'sites', render: () => <SitesScreen /> },
  site: { title: (r) => `site ${sanitizeLine(r.siteId)}`, render: (r) => <SiteDetailScreen siteId={r.siteId} /> },
  'site-edit': { title: (r) => `edit ${sanitizeLine(r.siteId)}`, render: (r) => <SiteEditScreen siteId={r.siteId} prompt={r.prompt} /> },
  'site-new': { title: () => 'new site', render: () => todo('new site') },
  'site-delete': { title: (r) => `delete ${sanitizeLine(r.siteId)}`, render: (r) => <SiteDeleteScreen siteId={r.siteId} /> },
  users: { title: () => 'users', render: () => todo('users') },
  user: { title: (r) => `user ${sanitizeLine(r.userId)}`, render: () => todo('user') },
  'user-new': { title: () => 'new user', render: () => todo('new user') },
  'user-edit': { title: (r) => `edit user ${sanitizeLine(r.userId)}`, render: () => todo('edit user') },
  'user-delete': { title: (r) => `delete user ${sanitizeLine(r.userId)}`, render: () => todo('delete user') },
  migrations: { title: () => 'migrations', render: () => todo('migrations') },
};

export function screenFor(route: Route): ReactNode {
  return (SCREENS[route.name] as ScreenDef<Route['name']>).render(route);
}

export function screenTitle(route: Route): string {
  return (SCREENS[route.name] as ScreenDef<Route['name']>).title(route);
}
