// A bare Ink hello-world in a real terminal: the baseline for the console's first frame.
import { render, Text } from 'ink';

const app = render(<Text>hello from ink</Text>);
setTimeout(() => app.unmount(), 3000);
