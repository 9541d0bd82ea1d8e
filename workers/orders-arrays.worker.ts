// A second worker beside the engine's: it builds the orders' part of the first dashboard's arrays
// (analyses/crossfilter/orders-arrays.ts) from the orders read as Arrow IPC, while the engine's
// worker reads and numbers the order lines, so the machine's second core shares that work.
import * as Comlink from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import { buffersOf, finishOrdersPart, numberOrders, type NumberedIds, type Ranked } from '../src/analyses/crossfilter/orders-arrays';
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
   * customers are numbered. Posted (copied) ahead of the part, for the other worker to go on with
   * the lines meanwhile: the customer ids' dictionary and each order's code in it to `onIds` as soon
   * as the ids are numbered (the lines' customer ids are numbered in it), the ranking to `onRanked` (the lines are joined
   * by it). Both are that worker's functions, passed with Comlink.proxy: calling one posts a message.
   */
  async ordersPart(numbers: Uint8Array[], texts: MessagePort, onIds: (ids: NumberedIds) => void, onRanked: (ranked: Ranked) => void) {
    const idsThere = onIds as unknown as Comlink.Remote<typeof onIds>;
    const rankedThere = onRanked as unknown as Comlink.Remote<typeof onRanked>;
    const textsCame = new Promise<Uint8Array[] | null>((resolve) => (texts.onmessage = (event: MessageEvent<Uint8Array[] | null>) => resolve(event.data)));
    const sent: Promise<unknown>[] = [];
    try {
      const numbered = numberOrders(tableFromIPC(numbers));
      if (!numbered) return null;
      sent.push(idsThere({ dictionary: numbered.ids.state(), customerOf: numbered.customerOf }));
      const textBytes = await textsCame;
      if (!textBytes) throw new Error('The orders’ texts could not be read.');
      const part = finishOrdersPart(numbered, tableFromIPC(textBytes), (ranked) => sent.push(rankedThere(ranked)));
      return part && Comlink.transfer(part, buffersOf(part));
    } finally {
      texts.close();
      // The channels they went by are closed once they are through (or were never sent).
      void Promise.allSettled(sent).then(() => {
        idsThere[Comlink.releaseProxy]();
        rankedThere[Comlink.releaseProxy]();
      });
    }
  },
};

export type OrdersArraysApi = typeof api;
Comlink.expose(api);
