import { fieldOf, fieldParts } from '../text-field.js';
import { Text } from '../../../components/Text.js';

/**
 * A text field drawn with its cursor: the character under it (a space after the last one) in inverse video, which
 * every theme shows, the no-colour one included. Goes inside a Text (the line's prefix and colour are the caller's).
 */
export function TextFieldView({ text, cursor }: { text: string; cursor: number | undefined }) {
  const { before, at, after } = fieldParts(fieldOf(text, cursor));
  return (
    <>
      <Text>{before}</Text>
      <Text inverse>{at}</Text>
      <Text>{after}</Text>
    </>
  );
}
