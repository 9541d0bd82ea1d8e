import { getContext, setContext } from 'svelte';
import type { Formatter } from './format';

const KEY = Symbol('formatter');
export const setFormatter = (formatter: Formatter) => setContext(KEY, formatter);
export const getFormatter = () => getContext<Formatter>(KEY);
