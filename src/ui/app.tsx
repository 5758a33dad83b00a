import { useLayoutEffect, useState } from 'react';
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import type { Services } from '../services/types.ts';
import { DraftStore } from '../lib/drafts.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { HealthContext, useHealthWatch } from './connection/connection-health.tsx';
import { DraftsContext } from './drafts-context.tsx';
import { guardPastes } from './input/paste-guard.ts';
import { ServicesContext, type ConsoleServices } from './services-context.tsx';
import { Shell } from './shell/shell.tsx';
import type { Route } from './shell/routes.ts';
import { tone } from './theme.ts';

export type LoadState = { status: 'loading'; message: string } | { status: 'error'; message: string } | { status: 'ready'; services: Services };

/** The console: drawn at once, filled in when the services (and the ORM behind them) have loaded. */
export function App({ state, initialRoute, drafts }: { state: LoadState; initialRoute?: Route; drafts?: DraftStore }) {
  if (state.status !== 'ready') {
    return <Splash state={state} />;
  }
  return <Ready services={state.services} {...(initialRoute ? { initialRoute } : {})} {...(drafts ? { drafts } : {})} />;
}

function Ready({ services, initialRoute, drafts }: { services: ConsoleServices; initialRoute?: Route; drafts?: DraftStore }) {
  const [store] = useState(() => {
    const store = drafts ?? new DraftStore();
    // Drafts belong to the database they were made on (a staging draft is never offered as production's).
    if (services.connection.database) store.setDatabase(services.connection.database);
    return store;
  });
  const watched = useHealthWatch(services);
  const { stdin } = useStdin();
  // A 50 MB paste must not freeze the console (see paste-guard.ts).
  useLayoutEffect(() => guardPastes(stdin as unknown as { read(...args: unknown[]): unknown }), [stdin]);
  return (
    <DraftsContext.Provider value={store}>
      <HealthContext.Provider value={watched.health}>
        <ServicesContext.Provider value={watched.services}>
          <Shell services={watched.services} {...(initialRoute ? { initialRoute } : {})} />
        </ServicesContext.Provider>
      </HealthContext.Provider>
    </DraftsContext.Provider>
  );
}

function Splash({ state }: { state: Exclude<LoadState, { status: 'ready' }> }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  useInput((input, key) => (input === 'q' || key.escape) && exit(), { isActive: isRawModeSupported });
  return (
    <Box flexDirection="column">
      <Text bold color={tone('accent')}>
        cabinet
      </Text>
      <Text color={state.status === 'error' ? tone('error') : undefined} dimColor={state.status === 'loading'}>
        {sanitizeLine(state.message)}
      </Text>
    </Box>
  );
}
