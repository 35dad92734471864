import { useStore } from 'zustand';
import type { CoreState } from '../../core/store.js';
import type { UiState } from '../ui-store.js';
import { useApp } from '../app-context.js';

export function useCore<T>(selector: (s: CoreState) => T): T {
  return useStore(useApp().core.store, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useApp().ui, selector);
}
