// Widths of elements read together: the charts of a dashboard each read their width as they were
// mounted, after the chart before them was drawn, so each read made the browser lay the page out
// again (at 1M orders, a CPU profile of the main thread from the quality report to the list's first
// page: 41 ms in those reads, 22 once read together). Read in one microtask after the mounting, all
// reads share one layout.

const waiting: { element: HTMLElement; done: (width: number) => void }[] = [];

/** Calls `done` with the element's clientWidth, read with every other element asked for in the same task. */
export function measureWidth(element: HTMLElement, done: (width: number) => void): void {
  if (waiting.push({ element, done }) === 1) queueMicrotask(measureWaiting);
}

function measureWaiting(): void {
  const batch = waiting.splice(0);
  // Every read before any answer: an answer may change the page (a chart drawn), and a read after it would lay it out again.
  const widths = batch.map(({ element }) => element.clientWidth);
  batch.forEach(({ done }, i) => done(widths[i]!));
}
