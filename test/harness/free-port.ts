// Free loopback ports: the product's helpers (cli/local-up/servers/free-port.ts).
export { freePort, freePorts, ownsListeningPort } from '../../cli/local-up/servers/free-port.ts';
