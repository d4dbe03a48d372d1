// Browser entry (no Node built-ins): the simulated set made in memory. Fetchers and writers
// need a file system and stay in the main entry.
export * from './simulate-volumes.js';
