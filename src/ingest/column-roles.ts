import { COLUMN_ROLES } from './types';
import type { ColumnMapping, ColumnRole, SourceColumn } from './types';

export interface RoleGuess {
  mapping: ColumnMapping;
  /** 0..1 per mapped role: about 1 for a header synonym, 0.5 for a bare word like "Name", less from values alone. */
  confidence: Partial<Record<ColumnRole, number>>;
}

/**
 * Header names per role, normalised (see `normaliseHeader`), most preferred first: when two columns
 * both match, the earlier synonym wins ("created at" over "paid at", "total" over "subtotal").
 * A synonym also matches inside a longer header ("lineitem quantity"), and a single word of five or
 * more letters at the end of a compound ("rechnungsdatum"), both with a lower score.
 */
export const ROLE_SYNONYMS: Record<ColumnRole, readonly string[]> = {
  customer_id: [
    'customer id', 'customer user id', 'customer number', 'customer no', 'customer nr', 'customer key', 'customer code',
    'cust id', 'client id', 'client number', 'user id', 'buyer id', 'member id', 'account id', 'contact id', 'masterid',
    'master id', 'kunden id', 'kundennummer', 'kundennr', 'kunden nr', 'kunden nummer', 'identifiant client', 'id client',
    'numero client', 'numero de client', 'code client', 'id cliente', 'id del cliente', 'id do cliente', 'numero de cliente',
    'numero do cliente', 'numero cliente', 'codigo cliente', 'codigo de cliente', 'codigo do cliente', 'codice cliente',
    'klant id', 'klantnummer', 'klantnr', 'klant nummer',
  ],
  customer_email: [
    'customer email', 'email', 'e mail', 'email address', 'e mail address', 'billing email', 'billing email address',
    'customer e mail', 'buyer email', 'user email', 'contact email', 'mail', 'kunden email', 'email adresse', 'e mail adresse',
    'courriel', 'adresse email', 'adresse e mail', 'correo', 'correo electronico', 'email cliente', 'endereco de email',
    'endereco de e mail', 'indirizzo email', 'emailadres', 'e mailadres',
  ],
  customer_name: [
    'customer name', 'billing name', 'full name', 'client name', 'customer description', 'buyer name', 'contact name',
    'customer full name', 'billing first name', 'first name', 'billing last name', 'last name', 'shipping name',
    'kundenname', 'kunden name', 'vorname', 'nachname', 'nom client', 'nom du client', 'nom complet', 'prenom',
    'nombre del cliente', 'nombre cliente', 'nombre completo', 'nome do cliente', 'nome cliente', 'nome completo',
    'klantnaam', 'naam klant', 'volledige naam',
  ],
  order_id: [
    'order id', 'order number', 'order no', 'order nr', 'order ref', 'order reference', 'transaction id', 'invoice no',
    'invoice number', 'invoice id', 'bestellnummer', 'bestellnr', 'bestell nr', 'bestell id', 'auftragsnummer',
    'rechnungsnummer', 'numero de commande', 'no commande', 'n commande', 'id commande', 'reference commande',
    'numero de pedido', 'numero pedido', 'id pedido', 'id do pedido', 'numero do pedido', 'numero ordine', 'id ordine',
    'ordernummer', 'bestelnummer', 'factuurnummer',
  ],
  ordered_at: [
    'ordered at', 'order date', 'created at', 'order created at', 'date created', 'created', 'creation date', 'created utc',
    'created date utc', 'order datetime', 'order time', 'purchase date', 'purchased at', 'transaction date', 'invoice date',
    'sale date', 'date', 'datetime', 'timestamp', 'paid at', 'paid date', 'payment date', 'bestelldatum', 'auftragsdatum',
    'rechnungsdatum', 'kaufdatum', 'datum', 'date de commande', 'date commande', 'date d achat', 'fecha', 'fecha de pedido',
    'fecha del pedido', 'fecha pedido', 'fecha de compra', 'data', 'data do pedido', 'data pedido', 'data de compra',
    'data ordine', 'data dell ordine', 'data acquisto', 'orderdatum', 'besteldatum', 'aankoopdatum', 'factuurdatum',
  ],
  amount: [
    'amount', 'total', 'order total', 'order total amount', 'order amount', 'total amount', 'grand total', 'total price',
    'total paid', 'amount paid', 'order value', 'revenue', 'sales', 'net sales', 'gross sales', 'line total', 'subtotal',
    'sub total', 'betrag', 'summe', 'gesamtbetrag', 'gesamtsumme', 'gesamtpreis', 'rechnungsbetrag', 'umsatz', 'montant',
    'montant total', 'total ttc', 'chiffre d affaires', 'importe', 'importe total', 'monto', 'monto total', 'ventas',
    'valor', 'valor total', 'importo', 'importo totale', 'totale', 'vendite', 'bedrag', 'totaalbedrag', 'totaal', 'omzet',
  ],
  unit_price: [
    'unit price', 'price', 'item price', 'lineitem price', 'item cost', 'unit cost', 'price each', 'sale price', 'preis',
    'einzelpreis', 'stuckpreis', 'prix', 'prix unitaire', 'precio', 'precio unitario', 'preco', 'preco unitario', 'prezzo',
    'prezzo unitario', 'prijs', 'stukprijs',
  ],
  quantity: [
    'quantity', 'qty', 'lineitem quantity', 'item quantity', 'quantity ordered', 'units', 'cds', 'menge', 'anzahl',
    'stuckzahl', 'quantite', 'cantidad', 'quantidade', 'quantita', 'aantal',
  ],
  currency: [
    'currency', 'currency code', 'order currency', 'wahrung', 'waehrung', 'devise', 'monnaie', 'moneda', 'divisa', 'moeda',
    'valuta', 'munt',
  ],
  product: [
    'product', 'product name', 'item name', 'lineitem name', 'description', 'product title', 'item description', 'sku',
    'stock code', 'product id', 'article', 'produkt', 'produktname', 'artikel', 'artikelname', 'bezeichnung', 'beschreibung',
    'produit', 'nom du produit', 'nom produit', 'producto', 'nombre del producto', 'articulo', 'descripcion', 'produto',
    'nome do produto', 'descricao', 'prodotto', 'nome prodotto', 'articolo', 'descrizione', 'artikelnaam', 'omschrijving',
  ],
  category: [
    'category', 'product category', 'product type', 'category name', 'department', 'kategorie', 'produktkategorie',
    'warengruppe', 'categorie', 'categoria', 'categoria prodotto', 'productcategorie',
  ],
  country: [
    'country', 'billing country', 'shipping country', 'country code', 'card address country', 'card issue country',
    'country name', 'land', 'lieferland', 'rechnungsland', 'pays', 'pais', 'paese', 'nazione',
  ],
  city: [
    'city', 'billing city', 'shipping city', 'town', 'card address city', 'stadt', 'ort', 'ville', 'ciudad', 'cidade',
    'citta', 'localita', 'plaats', 'woonplaats', 'stad',
  ],
  status: [
    'status', 'order status', 'financial status', 'payment status', 'order state', 'bestellstatus', 'zahlungsstatus',
    'statut', 'estado do pedido', 'stato', 'stato ordine',
  ],
  refund: [
    'refund', 'refund amount', 'refunded amount', 'amount refunded', 'refunded', 'refunds', 'total refunded',
    'order refund amount', 'erstattung', 'ruckerstattung', 'erstattet', 'remboursement', 'montant rembourse', 'rembourse',
    'reembolso', 'reembolsado', 'rimborso', 'terugbetaling',
  ],
  channel: [
    'channel', 'sales channel', 'order source', 'source name', 'utm source', 'marketing channel',
    'acquisition channel', 'medium', 'utm medium', 'kanal', 'vertriebskanal', 'canal', 'canal de vente', 'canal de venta',
    'canal de venda', 'canale', 'canale di vendita', 'kanaal', 'verkoopkanaal',
  ],
};

/**
 * Words that name a role only as the whole header, and even then weakly: inside longer headers
 * they qualify something else ("Order Date", "Customer Email", "Billing State", "Payment Source Type").
 */
export const BARE_HEADERS: Partial<Record<ColumnRole, readonly string[]>> = {
  customer_id: ['customer', 'client', 'user', 'buyer', 'kunde', 'cliente', 'klant'],
  customer_name: ['name', 'nom', 'nombre', 'nome', 'naam'],
  order_id: ['id', 'order', 'number', 'no', 'nr', 'ref', 'reference', 'invoice', 'transaction', 'numero', 'nummer',
    'bestellung', 'auftrag', 'commande', 'pedido', 'encomenda', 'ordine', 'bestelling'],
  product: ['item', 'title'],
  channel: ['source'],
  status: ['state', 'etat', 'estado'],
};

/** Header word starts that mean money but not the order's amount. */
const NOT_AN_AMOUNT = ['refund', 'discount', 'ship', 'fee', 'balance', 'disput', 'erstatt', 'rabatt', 'versand', 'rembours',
  'remise', 'reembols', 'descuento', 'envio', 'rimbors', 'sconto', 'korting'];

const COMMON_CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'NZD', 'CNY', 'HKD', 'SGD', 'SEK',
  'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'INR', 'BRL', 'MXN', 'ZAR', 'KRW', 'TRY', 'ILS', 'AED', 'SAR', 'THB', 'IDR',
  'MYR', 'PHP', 'ARS', 'CLP', 'COP']);

const STATUS_WORDS = new Set(['paid', 'pending', 'refunded', 'partially refunded', 'cancelled', 'canceled', 'completed',
  'complete', 'processing', 'failed', 'succeeded', 'on hold', 'voided', 'authorized', 'shipped', 'delivered', 'returned',
  'open', 'closed', 'unpaid', 'bezahlt', 'storniert', 'offen', 'paye', 'annule', 'pagado', 'cancelado', 'pago', 'pagato']);

/** Header scoring, shared with the CRM tables' guesser (src/ingest/tables/guess-roles.ts). */
export const RANK_STEP = 0.002;
export const BARE_SCORE = 0.5;
export const AGREEMENT_BONUS = 0.05;

/** Lowercase, accents stripped, every separator and camelCase boundary turned into one space. */
export function normaliseHeader(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/(\p{Ll}|\d)(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const isTemporalType = (type: string) => /^(DATE|TIME)/i.test(type);
const isIntegerType = (type: string) => /^U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$/i.test(type);
const isFractionType = (type: string) => /^(FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)/i.test(type);
const isHeaderless = (column: SourceColumn) => /^column\d+$/.test(column.name);
const allExamples = (column: SourceColumn, test: (value: string) => boolean) =>
  column.examples.length > 0 && column.examples.every(test);

const looksLikeEmails = (column: SourceColumn) => allExamples(column, (v) => /^\S+@\S+$/.test(v.trim()));
const looksLikeOrderNumbers = (column: SourceColumn) => allExamples(column, (v) => /^#[\w-]+$/.test(v.trim()));

function isCompactDate(value: string): boolean {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1970 && year <= 2100 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isDateText = (value: string) =>
  /^\d{4}-\d{1,2}-\d{1,2}([ T]|$)/.test(value) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}( |$)/.test(value) || isCompactDate(value);

/** Evidence from the values alone, whatever the header says. */
function valueEvidence(column: SourceColumn, role: ColumnRole): number {
  switch (role) {
    case 'customer_email': return looksLikeEmails(column) ? 0.7 : 0;
    case 'order_id':
      return looksLikeOrderNumbers(column) || allExamples(column, (v) => /^(ch|py)_\w+$/.test(v)) ? 0.7 : 0;
    case 'customer_id': return allExamples(column, (v) => /^cus_\w+$/.test(v)) ? 0.7 : 0;
    case 'ordered_at': return isTemporalType(column.type) || allExamples(column, (v) => isDateText(v.trim())) ? 0.35 : 0;
    case 'currency': return allExamples(column, (v) => COMMON_CURRENCIES.has(v.trim().toUpperCase())) ? 0.35 : 0;
    case 'status': return allExamples(column, (v) => STATUS_WORDS.has(normaliseHeader(v))) ? 0.35 : 0;
    default: return 0;
  }
}

/** Weak evidence from the type, used alone only when the file has no header row. */
function typeEvidence(column: SourceColumn, index: number, role: ColumnRole): number {
  if (role === 'amount') return isFractionType(column.type) ? 0.25 : 0;
  if (!isIntegerType(column.type)) return 0;
  // Ids conventionally lead a row, so the leftmost integer column is the likeliest customer id.
  if (role === 'customer_id') return 0.3 - 0.01 * index;
  if (role === 'quantity') return allExamples(column, (v) => Number(v) > 0 && Number(v) <= 12) ? 0.25 : 0;
  return 0;
}

function ruledOut(column: SourceColumn, header: string, role: ColumnRole): boolean {
  if (isTemporalType(column.type)) return role !== 'ordered_at';
  const numeric = isIntegerType(column.type) || isFractionType(column.type);
  const textRoles: ColumnRole[] = ['customer_email', 'customer_name', 'currency', 'country', 'city', 'status', 'channel'];
  if (numeric && textRoles.includes(role)) return true;
  if (role === 'customer_name') return looksLikeOrderNumbers(column);
  if (role === 'amount' || role === 'unit_price') {
    return header.split(' ').some((token) => NOT_AN_AMOUNT.some((word) => token.startsWith(word)));
  }
  return false;
}

/** How well a header's words match one synonym's: 1 exact, less inside a longer header or at the end of a compound. */
export function synonymScore(tokens: string[], synonym: string[]): number {
  if (tokens.join(' ') === synonym.join(' ')) return 1;
  const at = tokens.findIndex((_, start) => synonym.every((word, i) => tokens[start + i] === word));
  if (at >= 0) return 0.4 + (0.3 * synonym.length) / tokens.length;
  const [word] = synonym;
  const inCompound = synonym.length === 1 && word !== undefined && word.length >= 5 &&
    tokens.some((token) => token.length > word.length && token.endsWith(word));
  return inCompound ? 0.45 : 0;
}

function headerScore(header: string, role: ColumnRole): number {
  if (BARE_HEADERS[role]?.includes(header)) return BARE_SCORE;
  const tokens = header.split(' ');
  return ROLE_SYNONYMS[role].reduce(
    (best, synonym, rank) => Math.max(best, synonymScore(tokens, synonym.split(' ')) - rank * RANK_STEP),
    0,
  );
}

function scoreColumn(column: SourceColumn, index: number, role: ColumnRole): number {
  const header = normaliseHeader(column.name);
  if (ruledOut(column, header, role)) return 0;
  // An export's own key comes first and is often named just "id" (Stripe); elsewhere a bare id is anyone's.
  const named = index === 0 && header === 'id' && role === 'order_id' ? 1 : headerScore(header, role);
  const fromValues = valueEvidence(column, role);
  const fromType = typeEvidence(column, index, role);
  const standalone = isHeaderless(column) ? Math.max(fromValues, fromType) : fromValues;
  const agrees = named > 0 && (fromValues > 0 || fromType > 0);
  return Math.max(named, standalone) + (agrees ? AGREEMENT_BONUS : 0);
}

/**
 * Assigns roles greedily, best score first, so each column plays at most one role and each role
 * has at most one column. An email column is never promoted to customer_id for want of an id
 * column: it stays customer_email, and the orders view falls back to it as the customer key.
 */
export function guessColumnRoles(columns: SourceColumn[]): RoleGuess {
  const candidates = columns
    .flatMap((column, index) => COLUMN_ROLES.map((role) => ({ column, role, score: scoreColumn(column, index, role) })))
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score);
  const mapping: ColumnMapping = {};
  const confidence: RoleGuess['confidence'] = {};
  const usedColumns = new Set<string>();
  for (const { column, role, score } of candidates) {
    if (mapping[role] !== undefined || usedColumns.has(column.name)) continue;
    if (role === 'customer_id' && looksLikeEmails(column) && mapping.customer_email === undefined) continue;
    mapping[role] = column.name;
    confidence[role] = Math.round(Math.min(1, score) * 100) / 100;
    usedColumns.add(column.name);
  }
  return { mapping, confidence };
}

/** The roles the analytics cannot do without, as the user would name them. */
export function requiredRolesMissing(mapping: ColumnMapping): ('customer' | 'date' | 'amount')[] {
  const missing: ('customer' | 'date' | 'amount')[] = [];
  if (mapping.customer_id === undefined && mapping.customer_email === undefined) missing.push('customer');
  if (mapping.ordered_at === undefined) missing.push('date');
  if (mapping.amount === undefined && mapping.unit_price === undefined) missing.push('amount');
  return missing;
}
