// A second worker beside the engine's: it builds the orders' part of the first dashboard's arrays
// (analyses/crossfilter/orders-arrays.ts) from the orders read as Arrow IPC, while the engine's
// worker reads and numbers the order lines, so the machine's second core shares that work.
import * as Comlink from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import { buffersOf, finishOrdersPart, numberOrders, type DictionaryState } from '../src/analyses/crossfilter/orders-arrays';
import { warmUpArrowReads, warmUpOrdersPart } from '../src/analyses/crossfilter/made-up-orders';

const api = {
  /** Runs the orders' part and Arrow's reader on made-up orders (made-up-orders.ts), so that they are optimised when the first data set comes. */
  async warmUp() {
    const built = await warmUpOrdersPart();
    return (await warmUpArrowReads()) > 0 && built;
  },
  /**
   * The orders' part, begun on their numbers. The texts follow by `texts`, a port of their own, as
   * soon as the engine has read them (null: that read failed); they are needed only once the
   * customers are numbered. The customer ids' dictionary is posted (copied) to `onIds` as soon as
   * the ids are numbered, for the other worker to number the lines' customer ids in it meanwhile.
   * `onIds` is that worker's function, passed with Comlink.proxy: calling it here posts a message.
   */
  async ordersPart(numbers: Uint8Array[], texts: MessagePort, onIds: (ids: DictionaryState) => void) {
    const remote = onIds as unknown as Comlink.Remote<typeof onIds>;
    const textsCame = new Promise<Uint8Array[] | null>((resolve) => (texts.onmessage = (event: MessageEvent<Uint8Array[] | null>) => resolve(event.data)));
    let sent: Promise<unknown> = Promise.resolve();
    try {
      const numbered = numberOrders(tableFromIPC(numbers));
      if (!numbered) return null;
      sent = remote(numbered.ids.state());
      const textBytes = await textsCame;
      if (!textBytes) throw new Error('The orders’ texts could not be read.');
      const part = finishOrdersPart(numbered, tableFromIPC(textBytes));
      return part && Comlink.transfer(part, buffersOf(part));
    } finally {
      texts.close();
      // The channel the ids went by is closed once they are through (or were never sent).
      void sent.catch(() => {}).then(() => remote[Comlink.releaseProxy]());
    }
  },
};

export type OrdersArraysApi = typeof api;
Comlink.expose(api);
