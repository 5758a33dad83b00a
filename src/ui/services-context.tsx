import { createContext, useContext } from 'react';
import type { PresenceService } from '../presence/presence-service.ts';
import type { Services } from '../services/types.ts';
import type { LiveFeed } from '../live/live-feed.ts';

/** The `:migrate` screen's service: status, and applying what is pending (services/console-services.ts). */
export interface MigrationReader {
  status(): Promise<{ applied: { name: string; executedAt: Date | null }[]; pending: string[]; unknown: string[]; edited: string[] }>;
  /** `cabinet migrate`: the same refusals, lock and checksums; the names applied. */
  apply?(events?: { onWaiting?: () => void }): Promise<string[]>;
}

/**
 * The services the console gets: the shared ones, migration status when the session can give it, and
 * presence (who else is editing what) on a real database.
 */
export type ConsoleServices = Services & { migrations?: MigrationReader; presence?: PresenceService; live?: LiveFeed };

/** Screens get their services here, never by importing the ORM: tests pass fakes through the same door. */
export const ServicesContext = createContext<ConsoleServices | null>(null);

export function useServices(): ConsoleServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
