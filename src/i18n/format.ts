// Numbers, sizes, dates and durations for the reader's locale, through Intl only.
import { en, type MessageKey, type Messages } from './messages';

export class Formatter {
  readonly #messages: Messages;
  readonly #integer: Intl.NumberFormat;
  readonly #decimal: Intl.NumberFormat;
  readonly #date: Intl.DateTimeFormat;
  readonly #seconds: Intl.NumberFormat;
  /**
   * Formats by their options, made once: a dashboard refresh formats a few hundred amounts and
   * shares, and making an Intl.NumberFormat per value cost ~5 ms of the main thread per refresh.
   */
  readonly #numberFormats = new Map<string, Intl.NumberFormat>();

  constructor(
    readonly locale: string,
    messages: Messages = en,
  ) {
    this.#messages = messages;
    this.#integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.#decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    // Canonical timestamps are wall-clock times without a zone: show them as UTC so they are not shifted.
    this.#date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.#seconds = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }

  /** The message for `key`, with `{name}` placeholders filled in. */
  t(key: MessageKey, values: Record<string, string | number> = {}): string {
    return this.#messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  }

  #numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
    const key = JSON.stringify(options);
    let format = this.#numberFormats.get(key);
    if (!format) this.#numberFormats.set(key, (format = new Intl.NumberFormat(this.locale, options)));
    return format;
  }

  integer(value: number): string {
    return this.#integer.format(value);
  }

  number(value: number): string {
    return this.#decimal.format(value);
  }

  bytes(value: number): string {
    const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return this.#numberFormat({ style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  }

  /** Epoch milliseconds of a zone-less timestamp. */
  date(epochMs: number): string {
    return this.#date.format(new Date(epochMs));
  }

  seconds(ms: number): string {
    return this.#seconds.format(ms / 1000);
  }

  /** Money in the data's currency when it has exactly one, else a plain number with two decimals. */
  money(value: number, currency: string | null): string {
    if (currency && /^[A-Z]{3}$/.test(currency)) {
      try {
        return this.#numberFormat({ style: 'currency', currency, maximumFractionDigits: Math.abs(value) >= 1000 ? 0 : 2 }).format(value);
      } catch {
        // Not a currency Intl knows: fall through to a plain number.
      }
    }
    return this.#numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  }

  percent(share: number, digits = 1): string {
    return this.#numberFormat({ style: 'percent', maximumFractionDigits: digits }).format(share);
  }

  /** A signed relative change: +12.5 %, −3 %. */
  change(share: number): string {
    return this.#numberFormat({ style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(share);
  }

  /** A length of time in the largest unit that keeps it at least 1: "3.5 hours", "2 days". */
  duration(ms: number): string {
    const units: [Intl.NumberFormatOptions['unit'], number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
    const [unit, size] = units.find(([, size]) => ms >= size) ?? units[units.length - 1]!;
    return this.#numberFormat({ style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(ms / size);
  }

  list(items: string[]): string {
    return new Intl.ListFormat(this.locale, { style: 'long', type: 'conjunction' }).format(items);
  }
}
