// A second worker beside the engine's: it builds the orders' part of the first dashboard's arrays
// (analyses/crossfilter/orders-arrays.ts) from the orders read as Arrow IPC, while the engine's
// worker reads and numbers the order lines, so the machine's second core shares that work.
import * as Comlink from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import { buffersOf, ordersPart } from '../src/analyses/crossfilter/orders-arrays';
import { warmUpOrdersPart } from '../src/analyses/crossfilter/made-up-orders';

const api = {
  /** Runs the orders' part on made-up orders (made-up-orders.ts), so that it is optimised when the first data set comes. */
  warmUp() {
    return warmUpOrdersPart();
  },
  ordersPart(ipc: Uint8Array[]) {
    const part = ordersPart(tableFromIPC(ipc));
    return part && Comlink.transfer(part, buffersOf(part));
  },
};

export type OrdersArraysApi = typeof api;
Comlink.expose(api);
