import type { ReactNode } from 'react';
import { sanitizeLine } from '../../lib/sanitize.ts';
import type { Route } from './routes.ts';
import { SitesScreen } from '../screens/sites/sites-screen.tsx';
import { SiteDetailScreen } from '../screens/sites/site-detail-screen.tsx';
import { SiteEditScreen } from '../screens/sites/site-edit-screen.tsx';
import { SiteDeleteScreen } from '../screens/sites/site-delete-screen.tsx';
import { SiteWizardScreen } from '../screens/sites/site-wizard-screen.tsx';
import { SiteHistoryScreen } from '../screens/sites/site-history-screen.tsx';
import { DraftsScreen } from '../screens/drafts/drafts-screen.tsx';
import { UsersScreen } from '../screens/users/users-screen.tsx';
import { UserDetailScreen } from '../screens/users/user-detail-screen.tsx';
import { UserNewScreen } from '../screens/users/user-new-screen.tsx';
import { UserEditScreen } from '../screens/users/user-edit-screen.tsx';
import { UserDeleteScreen } from '../screens/users/user-delete-screen.tsx';
import { UserHistoryScreen } from '../screens/users/user-history-screen.tsx';
import { MigrationsScreen } from '../screens/migrations/migrations-screen.tsx';

type RouteOf<N extends Route['name']> = Extract<Route, { name: N }>;

interface ScreenDef<N extends Route['name']> {
  title(route: RouteOf<N>): string;
  render(route: RouteOf<N>): ReactNode;
}

/** Every screen, one line each: its title in the header and how to draw it for a route. */
const SCREENS: { [N in Route['name']]: ScreenDef<N> } = {
  sites: { title: () => 'sites', render: () => <SitesScreen /> },
  site: { title: (r) => `site ${sanitizeLine(r.siteId)}`, render: (r) => <SiteDetailScreen siteId={r.siteId} /> },
  'site-edit': { title: (r) => `edit ${sanitizeLine(r.siteId)}`, render: (r) => <SiteEditScreen siteId={r.siteId} prompt={r.prompt} base={r.base} endedBy={r.endedBy} /> },
  'site-new': { title: () => 'new site', render: () => <SiteWizardScreen /> },
  'site-delete': { title: (r) => `delete ${sanitizeLine(r.siteId)}`, render: (r) => <SiteDeleteScreen siteId={r.siteId} /> },
  'site-history': { title: (r) => `history ${sanitizeLine(r.siteId)}`, render: (r) => <SiteHistoryScreen siteId={r.siteId} /> },
  drafts: { title: () => 'drafts', render: () => <DraftsScreen /> },
  users: { title: () => 'users', render: () => <UsersScreen /> },
  user: { title: (r) => `user ${sanitizeLine(r.userId)}`, render: (r) => <UserDetailScreen userId={r.userId} /> },
  'user-new': { title: () => 'new user', render: () => <UserNewScreen /> },
  'user-edit': { title: (r) => `edit user ${sanitizeLine(r.userId)}`, render: (r) => <UserEditScreen userId={r.userId} /> },
  'user-delete': { title: (r) => `delete user ${sanitizeLine(r.userId)}`, render: (r) => <UserDeleteScreen userId={r.userId} /> },
  'user-history': { title: (r) => `history of user ${sanitizeLine(r.userId)}`, render: (r) => <UserHistoryScreen userId={r.userId} /> },
  migrations: { title: () => 'migrations', render: () => <MigrationsScreen /> },
};

export function screenFor(route: Route): ReactNode {
  return (SCREENS[route.name] as ScreenDef<Route['name']>).render(route);
}

export function screenTitle(route: Route): string {
  return (SCREENS[route.name] as ScreenDef<Route['name']>).title(route);
}
