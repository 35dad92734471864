import { dialogModule } from '../dialogs/index.js';
import { useUi } from './hooks.js';

/** The open dialog, drawn by its own module (dialogs/). */
export function DialogView({ height }: { height: number }) {
  const d = useUi((s) => s.dialog);
  if (!d) return null;
  const { View } = dialogModule(d);
  return <View dialog={d} height={height} />;
}
