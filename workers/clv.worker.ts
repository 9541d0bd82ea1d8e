// A small worker for the predictive-CLV fit: pure JavaScript that would otherwise block the page.
// Cancelling a fit terminates this worker; the next fit starts a new one.
import * as Comlink from 'comlink';
import { fitClvModels, type ClvFitInput } from '../src/state/clv-fit';

const api = {
  fit(input: ClvFitInput) {
    return fitClvModels(input);
  },
};

export type ClvApi = typeof api;
Comlink.expose(api);
