#!/usr/bin/env node
// React's production build unless asked otherwise: the development build writes warnings to stderr, which land on
// top of the console's screen over SSH. Set before anything loads React (hence the dynamic import).
process.env.NODE_ENV ??= 'production';
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2));
