import { useEffect, useState } from 'react';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ASCII_FRAMES = ['|', '/', '-', '\\'];

export function Spinner() {
  const { ascii, theme } = useLook();
  const frames = ascii ? ASCII_FRAMES : FRAMES;
  const [i, setI] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setI((x) => (x + 1) % frames.length), 120);
    return () => clearInterval(t);
  }, [frames.length]);
  return <Text color={theme.color('text.accent')}>{frames[i]}</Text>;
}
