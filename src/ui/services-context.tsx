import { createContext, useContext } from 'react';
import type { Services } from '../services/types.ts';

/** Screens get their services here, never by importing the ORM: tests pass fakes through the same door. */
export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
