import { createContext, useContext } from 'react';
import type { Theme } from '../themes/index.js';
import type { Glyphs } from '../src/present/glyphs.js';

export interface Look {
  theme: Theme;
  glyphs: Glyphs;
  ascii: boolean;
}

export const LookContext = createContext<Look | undefined>(undefined);

export function useLook(): Look {
  const look = useContext(LookContext);
  if (!look) throw new Error('LookContext missing');
  return look;
}
