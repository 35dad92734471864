import { createContext, useContext } from 'react';
import type { AppController } from './controller.js';

export const AppContext = createContext<AppController | undefined>(undefined);

export function useApp(): AppController {
  const app = useContext(AppContext);
  if (!app) throw new Error('AppContext missing');
  return app;
}
