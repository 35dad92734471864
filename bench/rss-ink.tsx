// Peak RSS of a bare Ink hello-world rendered the same way (KiB).
import { Text } from 'ink';
import { render } from 'ink-testing-library';

const r = render(<Text>hello</Text>);
await new Promise((res) => setTimeout(res, 50));
if (!(r.lastFrame() ?? '').includes('hello')) throw new Error('no frame');
console.log(process.resourceUsage().maxRSS);
process.exit(0);
