import { createContext, useContext } from 'react';
import type { ConsoleServices } from '../services/console-services.ts';

export type { ConsoleMigrations, ConsoleServices } from '../services/console-services.ts';

/** Screens get their services here, never by importing the ORM: tests pass fakes through the same door. */
export const ServicesContext = createContext<ConsoleServices | null>(null);

export function useServices(): ConsoleServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
