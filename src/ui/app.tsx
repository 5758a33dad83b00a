import { useState } from 'react';
import { Box, Text, useApp } from 'ink';
import type { Services } from '../services/types.ts';
import { DraftStore } from '../lib/drafts.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { HealthContext, useHealthWatch } from './connection/connection-health.tsx';
import { DraftsContext } from './drafts-context.tsx';
import { KeypressProvider } from './input/keypress-provider.tsx';
import { useKeypress } from './input/use-keypress.ts';
import { ServicesContext, type ConsoleServices } from './services-context.tsx';
import { Shell } from './shell/shell.tsx';
import type { Route } from './shell/routes.ts';
import { tone } from './theme.ts';

export type LoadState = { status: 'loading'; message: string } | { status: 'error'; message: string } | { status: 'ready'; services: Services };

/**
 * The console: drawn at once, filled in when the services (and the ORM behind them) have loaded. The
 * keypress provider is the one reader of the terminal's input, for the splash and the console alike.
 */
export function App({ state, initialRoute, drafts }: { state: LoadState; initialRoute?: Route; drafts?: DraftStore }) {
  return (
    <KeypressProvider>
      {state.status !== 'ready' ? (
        <Splash state={state} />
      ) : (
        <Ready services={state.services} {...(initialRoute ? { initialRoute } : {})} {...(drafts ? { drafts } : {})} />
      )}
    </KeypressProvider>
  );
}

function Ready({ services, initialRoute, drafts }: { services: ConsoleServices; initialRoute?: Route; drafts?: DraftStore }) {
  const [store] = useState(() => {
    const store = drafts ?? new DraftStore();
    // Drafts belong to the database they were made on (a staging draft is never offered as production's).
    if (services.connection.database) store.setDatabase(services.connection.database);
    return store;
  });
  const watched = useHealthWatch(services);
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
  useKeypress((event) => {
    if (event.kind === 'key' && (event.input === 'q' || event.key.escape)) exit();
    return true;
  });
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
