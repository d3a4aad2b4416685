// The plain `fork` baseline: send one message (the "result"), then exit.
process.send('ready', () => process.exit(0));
