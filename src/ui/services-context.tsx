import { createContext, useContext } from 'react';
import type { Services } from '../services/types.ts';

/** Migration status as the `:migrate` screen reads it (MigrationService.status has this shape). */
export interface MigrationReader {
  status(): Promise<{ applied: { name: string; executedAt: Date | null }[]; pending: string[]; unknown: string[]; edited: string[] }>;
}

/** The services the console gets: the shared ones, and migration status when the session can give it. */
export type ConsoleServices = Services & { migrations?: MigrationReader };

/** Screens get their services here, never by importing the ORM: tests pass fakes through the same door. */
export const ServicesContext = createContext<ConsoleServices | null>(null);

export function useServices(): ConsoleServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
