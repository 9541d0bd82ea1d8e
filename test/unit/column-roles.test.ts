import { describe, expect, it } from 'vitest';
import {
  BARE_HEADERS,
  ROLE_SYNONYMS,
  guessColumnRoles,
  normaliseHeader,
  requiredRolesMissing,
} from '../../src/ingest/column-roles';
import { COLUMN_ROLES } from '../../src/ingest/types';
import type { SourceColumn } from '../../src/ingest/types';

const col = (name: string, type = 'VARCHAR', examples: string[] = []): SourceColumn => ({ name, type, examples });
const headers = (...names: string[]) => names.map((name) => col(name));

describe('normaliseHeader', () => {
  it('lowercases, strips accents and unifies separators and camelCase', () => {
    expect(normaliseHeader('InvoiceNo')).toBe('invoice no');
    expect(normaliseHeader('CustomerID')).toBe('customer id');
    expect(normaliseHeader('Created (UTC)')).toBe('created utc');
    expect(normaliseHeader('billing_first-name.x')).toBe('billing first name x');
    expect(normaliseHeader('Währung')).toBe('wahrung');
    expect(normaliseHeader('Quantité')).toBe('quantite');
    expect(normaliseHeader('  País ')).toBe('pais');
  });
});

describe('synonym tables', () => {
  const entries = [
    ...Object.values(ROLE_SYNONYMS).flat(),
    ...Object.values(BARE_HEADERS).flat(),
  ];

  it('are written already normalised', () => {
    for (const synonym of entries) expect(normaliseHeader(synonym)).toBe(synonym);
  });

  it('never name two roles with the same header', () => {
    expect(new Set(entries).size).toBe(entries.length);
  });

  it('cover every role', () => {
    for (const role of COLUMN_ROLES) expect(ROLE_SYNONYMS[role].length).toBeGreaterThan(0);
  });
});

describe('guessColumnRoles', () => {
  it('maps our own sample generator header', () => {
    const columns = headers(
      'order_id', 'customer_id', 'customer_name', 'customer_email', 'ordered_at', 'product', 'category', 'quantity',
      'amount', 'currency', 'country', 'city', 'channel', 'status', 'refund_amount',
    );
    const { mapping, confidence } = guessColumnRoles(columns);
    expect(mapping).toEqual({
      order_id: 'order_id', customer_id: 'customer_id', customer_name: 'customer_name', customer_email: 'customer_email',
      ordered_at: 'ordered_at', product: 'product', category: 'category', quantity: 'quantity', amount: 'amount',
      currency: 'currency', country: 'country', city: 'city', channel: 'channel', status: 'status', refund: 'refund_amount',
    });
    expect(confidence.customer_id).toBe(1);
  });

  it('maps plain generic headers', () => {
    const columns = headers(
      'customer_id', 'order_id', 'order_date', 'amount', 'country', 'city', 'product', 'category', 'channel', 'currency',
      'status', 'refund_amount', 'customer_name', 'customer_email',
    );
    expect(guessColumnRoles(columns).mapping).toEqual({
      customer_id: 'customer_id', order_id: 'order_id', ordered_at: 'order_date', amount: 'amount', country: 'country',
      city: 'city', product: 'product', category: 'category', channel: 'channel', currency: 'currency', status: 'status',
      refund: 'refund_amount', customer_name: 'customer_name', customer_email: 'customer_email',
    });
  });

  it('maps a Shopify orders export, taking Name as the order number', () => {
    const columns = [
      col('Name', 'VARCHAR', ['#1001', '#1002', '#1003']),
      col('Email', 'VARCHAR', ['ann@example.com', 'bo@example.org']),
      col('Financial Status', 'VARCHAR', ['paid', 'refunded', 'pending']),
      col('Paid at', 'TIMESTAMP WITH TIME ZONE', ['2024-01-05 10:12:00-05']),
      col('Fulfillment Status', 'VARCHAR', ['fulfilled', 'unfulfilled']),
      col('Fulfilled at', 'TIMESTAMP WITH TIME ZONE', ['2024-01-06 09:00:00-05']),
      col('Accepts Marketing', 'VARCHAR', ['yes', 'no']),
      col('Currency', 'VARCHAR', ['USD']),
      col('Subtotal', 'DOUBLE', ['40.0', '12.5']),
      col('Shipping', 'DOUBLE', ['5.0']),
      col('Taxes', 'DOUBLE', ['3.6']),
      col('Total', 'DOUBLE', ['48.6', '17.5']),
      col('Discount Code', 'VARCHAR', ['WELCOME10']),
      col('Discount Amount', 'DOUBLE', ['4.0']),
      col('Shipping Method', 'VARCHAR', ['Standard']),
      col('Created at', 'TIMESTAMP WITH TIME ZONE', ['2024-01-05 10:00:00-05']),
      col('Lineitem quantity', 'BIGINT', ['1', '2']),
      col('Lineitem name', 'VARCHAR', ['Blue Mug', 'Tea Towel']),
      col('Lineitem price', 'DOUBLE', ['20.0', '12.5']),
      col('Lineitem compare at price', 'DOUBLE', ['25.0']),
      col('Lineitem sku', 'VARCHAR', ['MUG-BLUE']),
      col('Lineitem fulfillment status', 'VARCHAR', ['fulfilled']),
      col('Billing Name', 'VARCHAR', ['Ann Lee', 'Bo Chen']),
      col('Billing City', 'VARCHAR', ['Portland']),
      col('Billing Province', 'VARCHAR', ['OR']),
      col('Billing Country', 'VARCHAR', ['US']),
      col('Shipping Name', 'VARCHAR', ['Ann Lee']),
      col('Shipping City', 'VARCHAR', ['Portland']),
      col('Shipping Country', 'VARCHAR', ['US']),
      col('Cancelled at', 'VARCHAR'),
      col('Payment Method', 'VARCHAR', ['Shopify Payments']),
      col('Refunded Amount', 'DOUBLE', ['0.0', '17.5']),
      col('Vendor', 'VARCHAR', ['Acme']),
      col('Outstanding Balance', 'DOUBLE', ['0.0']),
      col('Id', 'BIGINT', ['5612345678901', '5612345678902']),
      col('Tags', 'VARCHAR'),
      col('Source', 'VARCHAR', ['web', 'pos']),
      col('Tax 1 Name', 'VARCHAR', ['OR State Tax 0%']),
      col('Payment ID', 'VARCHAR', ['c123.1']),
      col('Receipt Number', 'VARCHAR'),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({
      order_id: 'Name',
      customer_email: 'Email',
      status: 'Financial Status',
      ordered_at: 'Created at',
      currency: 'Currency',
      amount: 'Total',
      quantity: 'Lineitem quantity',
      product: 'Lineitem name',
      unit_price: 'Lineitem price',
      customer_name: 'Billing Name',
      city: 'Billing City',
      country: 'Billing Country',
      refund: 'Refunded Amount',
      channel: 'Source',
    });
  });

  it('maps a Shopify export with a Customer ID column', () => {
    const columns = [
      col('Name', 'VARCHAR', ['#1001']),
      col('Email', 'VARCHAR', ['ann@example.com']),
      col('Created at', 'TIMESTAMP', ['2024-01-05 10:00:00']),
      col('Total', 'DOUBLE', ['48.6']),
      col('Lineitem name', 'VARCHAR', ['Blue Mug']),
      col('Id', 'BIGINT', ['5612345678901']),
      col('Customer ID', 'BIGINT', ['7012345678']),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({
      order_id: 'Name', customer_email: 'Email', ordered_at: 'Created at', amount: 'Total', product: 'Lineitem name',
      customer_id: 'Customer ID',
    });
  });

  it('maps a WooCommerce orders export', () => {
    const columns = [
      col('Order ID', 'BIGINT', ['1201', '1202']),
      col('Order Number', 'BIGINT', ['1201', '1202']),
      col('Order Date', 'TIMESTAMP', ['2024-02-01 12:00:00']),
      col('Order Status', 'VARCHAR', ['completed', 'processing']),
      col('Order Shipping Amount', 'DOUBLE', ['4.99']),
      col('Cart Discount Amount', 'DOUBLE', ['0.0']),
      col('Order Total Amount', 'DOUBLE', ['54.99']),
      col('Order Currency', 'VARCHAR', ['EUR']),
      col('Customer User ID', 'BIGINT', ['17', '0']),
      col('Customer Note', 'VARCHAR', ['Please ring twice']),
      col('Billing First Name', 'VARCHAR', ['Ann']),
      col('Billing Last Name', 'VARCHAR', ['Lee']),
      col('Billing Email Address', 'VARCHAR', ['ann@example.com']),
      col('Billing City', 'VARCHAR', ['Berlin']),
      col('Billing State', 'VARCHAR', ['BE']),
      col('Billing Country', 'VARCHAR', ['DE']),
      col('Item Name', 'VARCHAR', ['Hoodie']),
      col('Quantity', 'BIGINT', ['1', '3']),
      col('Item Cost', 'DOUBLE', ['25.0']),
      col('Order Refund Amount', 'DOUBLE', ['0.0']),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({
      order_id: 'Order ID',
      ordered_at: 'Order Date',
      status: 'Order Status',
      amount: 'Order Total Amount',
      currency: 'Order Currency',
      customer_id: 'Customer User ID',
      customer_name: 'Billing First Name',
      customer_email: 'Billing Email Address',
      city: 'Billing City',
      country: 'Billing Country',
      product: 'Item Name',
      quantity: 'Quantity',
      unit_price: 'Item Cost',
      refund: 'Order Refund Amount',
    });
  });

  it('maps the snake_case WooCommerce export', () => {
    const columns = headers(
      'order_id', 'order_number', 'order_date', 'status', 'shipping_total', 'order_total', 'order_currency', 'customer_id',
      'billing_first_name', 'billing_last_name', 'billing_email', 'billing_city', 'billing_state', 'billing_country',
      'product_name', 'quantity', 'item_price', 'refunded',
    );
    expect(guessColumnRoles(columns).mapping).toEqual({
      order_id: 'order_id', ordered_at: 'order_date', status: 'status', amount: 'order_total', currency: 'order_currency',
      customer_id: 'customer_id', customer_name: 'billing_first_name', customer_email: 'billing_email',
      city: 'billing_city', country: 'billing_country', product: 'product_name', quantity: 'quantity',
      unit_price: 'item_price', refund: 'refunded',
    });
  });

  it('maps a Stripe payments export', () => {
    const columns = [
      col('id', 'VARCHAR', ['ch_3NxA1', 'py_3NxB2']),
      col('Description', 'VARCHAR', ['Pro plan', 'Starter plan']),
      col('Seller Message', 'VARCHAR', ['Payment complete.']),
      col('Created date (UTC)', 'TIMESTAMP', ['2024-03-01 08:00:00']),
      col('Amount', 'DOUBLE', ['49.0', '9.0']),
      col('Amount Refunded', 'DOUBLE', ['0.0', '9.0']),
      col('Currency', 'VARCHAR', ['usd']),
      col('Converted Amount', 'DOUBLE', ['49.0']),
      col('Converted Amount Refunded', 'DOUBLE', ['0.0']),
      col('Fee', 'DOUBLE', ['1.72']),
      col('Converted Currency', 'VARCHAR', ['usd']),
      col('Mode', 'VARCHAR', ['Live']),
      col('Status', 'VARCHAR', ['Paid', 'Refunded']),
      col('Customer ID', 'VARCHAR', ['cus_OaB1', 'cus_OaB2']),
      col('Customer Description', 'VARCHAR', ['Ann Lee']),
      col('Customer Email', 'VARCHAR', ['ann@example.com']),
      col('Card Name', 'VARCHAR', ['ANN LEE']),
      col('Card Address City', 'VARCHAR', ['Lyon']),
      col('Card Address Country', 'VARCHAR', ['FR']),
      col('Card Issue Country', 'VARCHAR', ['FR']),
      col('Disputed Amount', 'DOUBLE'),
      col('Dispute Date (UTC)', 'TIMESTAMP'),
      col('Invoice ID', 'VARCHAR', ['in_1Nx']),
      col('Invoice Number', 'VARCHAR', ['A1B2-0001']),
      col('PaymentIntent ID', 'VARCHAR', ['pi_3NxA1']),
    ];
    const { mapping } = guessColumnRoles(columns);
    expect(mapping).toMatchObject({
      order_id: 'id',
      product: 'Description',
      ordered_at: 'Created date (UTC)',
      amount: 'Amount',
      refund: 'Amount Refunded',
      currency: 'Currency',
      status: 'Status',
      customer_id: 'Customer ID',
      customer_name: 'Customer Description',
      customer_email: 'Customer Email',
      city: 'Card Address City',
      country: 'Card Address Country',
    });
    expect(mapping.channel).toBeUndefined();
  });

  it('maps the older Stripe header "Created (UTC)" and the card issue country', () => {
    const columns = headers('id', 'Created (UTC)', 'Amount', 'Currency', 'Customer Email', 'Card Issue Country');
    expect(guessColumnRoles(columns).mapping).toEqual({
      order_id: 'id', ordered_at: 'Created (UTC)', amount: 'Amount', currency: 'Currency',
      customer_email: 'Customer Email', country: 'Card Issue Country',
    });
  });

  it('maps UCI Online Retail invoice lines, with no amount column', () => {
    const columns = [
      col('InvoiceNo', 'VARCHAR', ['536365', 'C536379']),
      col('StockCode', 'VARCHAR', ['85123A', '71053']),
      col('Description', 'VARCHAR', ['WHITE HANGING HEART T-LIGHT HOLDER']),
      col('Quantity', 'BIGINT', ['6', '-1']),
      col('InvoiceDate', 'VARCHAR', ['12/1/2010 8:26', '12/9/2010 9:57']),
      col('UnitPrice', 'DOUBLE', ['2.55', '3.39']),
      col('CustomerID', 'DOUBLE', ['17850.0', '13047.0']),
      col('Country', 'VARCHAR', ['United Kingdom', 'France']),
    ];
    const { mapping } = guessColumnRoles(columns);
    expect(mapping).toEqual({
      order_id: 'InvoiceNo', product: 'Description', quantity: 'Quantity', ordered_at: 'InvoiceDate',
      unit_price: 'UnitPrice', customer_id: 'CustomerID', country: 'Country',
    });
    expect(requiredRolesMissing(mapping)).toEqual([]);
  });

  it('maps the CDNOW (BTYD) file: masterid is the customer, sampleid is not', () => {
    const columns = [
      col('masterid', 'BIGINT', ['4', '18', '21']),
      col('sampleid', 'BIGINT', ['1', '2', '3']),
      col('date', 'BIGINT', ['19970101', '19970118']),
      col('cds', 'BIGINT', ['2', '1']),
      col('sales', 'DOUBLE', ['29.33', '11.77']),
    ];
    const { mapping, confidence } = guessColumnRoles(columns);
    expect(mapping).toEqual({ customer_id: 'masterid', ordered_at: 'date', quantity: 'cds', amount: 'sales' });
    expect(confidence.ordered_at).toBe(1);
  });

  it('maps a headerless CDNOW file by values and types alone', () => {
    const columns = [
      col('column0', 'BIGINT', ['4', '18', '21']),
      col('column1', 'BIGINT', ['19970101', '19970118']),
      col('column2', 'BIGINT', ['2', '1']),
      col('column3', 'DOUBLE', ['29.33', '11.77']),
    ];
    const { mapping, confidence } = guessColumnRoles(columns);
    expect(mapping).toEqual({ customer_id: 'column0', ordered_at: 'column1', quantity: 'column2', amount: 'column3' });
    for (const role of ['customer_id', 'ordered_at', 'quantity', 'amount'] as const) {
      expect(confidence[role]).toBeLessThan(0.5);
    }
  });

  it('keeps the leftmost integer column as the customer id even when its values are small', () => {
    const columns = [
      col('column0', 'BIGINT', ['1', '2', '3']),
      col('column1', 'DATE', ['1997-01-01']),
      col('column2', 'BIGINT', ['2', '1']),
      col('column3', 'DOUBLE', ['29.33']),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({
      customer_id: 'column0', ordered_at: 'column1', quantity: 'column2', amount: 'column3',
    });
  });

  it('reads emails, currencies and statuses from headerless values', () => {
    const columns = [
      col('column0', 'VARCHAR', ['ann@example.com', 'bo@example.org']),
      col('column1', 'VARCHAR', ['2024-01-05', '2024-02-11']),
      col('column2', 'VARCHAR', ['EUR', 'USD']),
      col('column3', 'VARCHAR', ['paid', 'refunded']),
      col('column4', 'DOUBLE', ['12.5']),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({
      customer_email: 'column0', ordered_at: 'column1', currency: 'column2', status: 'column3', amount: 'column4',
    });
  });

  it('rejects 8-digit integers that are not plausible dates', () => {
    const columns = [col('column0', 'BIGINT', ['19971345', '12345678'])];
    expect(guessColumnRoles(columns).mapping.ordered_at).toBeUndefined();
  });

  it('maps German, French, Spanish, Portuguese, Italian and Dutch headers', () => {
    expect(guessColumnRoles(headers('Kundennummer', 'Bestellnummer', 'Bestelldatum', 'Betrag', 'Währung', 'Land', 'Stadt',
      'Menge', 'Produkt', 'Kategorie', 'Status')).mapping).toEqual({
      customer_id: 'Kundennummer', order_id: 'Bestellnummer', ordered_at: 'Bestelldatum', amount: 'Betrag',
      currency: 'Währung', country: 'Land', city: 'Stadt', quantity: 'Menge', product: 'Produkt', category: 'Kategorie',
      status: 'Status',
    });
    expect(guessColumnRoles(headers('Identifiant client', 'Date de commande', 'Montant', 'Devise', 'Pays', 'Ville',
      'Quantité', 'Prix unitaire', 'Produit', 'Catégorie', 'Statut', 'Commande')).mapping).toEqual({
      customer_id: 'Identifiant client', ordered_at: 'Date de commande', amount: 'Montant', currency: 'Devise',
      country: 'Pays', city: 'Ville', quantity: 'Quantité', unit_price: 'Prix unitaire', product: 'Produit',
      category: 'Catégorie', status: 'Statut', order_id: 'Commande',
    });
    expect(guessColumnRoles(headers('ID Cliente', 'Pedido', 'Fecha', 'Importe', 'Moneda', 'País', 'Ciudad', 'Cantidad',
      'Precio', 'Producto')).mapping).toEqual({
      customer_id: 'ID Cliente', order_id: 'Pedido', ordered_at: 'Fecha', amount: 'Importe', currency: 'Moneda',
      country: 'País', city: 'Ciudad', quantity: 'Cantidad', unit_price: 'Precio', product: 'Producto',
    });
    expect(guessColumnRoles(headers('Cliente', 'Data', 'Valor', 'Moeda', 'Cidade', 'Quantidade', 'Preço', 'Produto'))
      .mapping).toEqual({
      customer_id: 'Cliente', ordered_at: 'Data', amount: 'Valor', currency: 'Moeda', city: 'Cidade',
      quantity: 'Quantidade', unit_price: 'Preço', product: 'Produto',
    });
    expect(guessColumnRoles(headers('Codice cliente', 'Ordine', 'Importo', 'Valuta', 'Paese', 'Città', 'Quantità',
      'Prezzo', 'Prodotto')).mapping).toEqual({
      customer_id: 'Codice cliente', order_id: 'Ordine', amount: 'Importo', currency: 'Valuta', country: 'Paese',
      city: 'Città', quantity: 'Quantità', unit_price: 'Prezzo', product: 'Prodotto',
    });
    expect(guessColumnRoles(headers('Klantnummer', 'Bestelling', 'Orderdatum', 'Bedrag', 'Aantal', 'Prijs', 'Artikel',
      'Plaats')).mapping).toEqual({
      customer_id: 'Klantnummer', order_id: 'Bestelling', ordered_at: 'Orderdatum', amount: 'Bedrag', quantity: 'Aantal',
      unit_price: 'Prijs', product: 'Artikel', city: 'Plaats',
    });
  });

  it('matches a synonym at the end of a German compound', () => {
    expect(guessColumnRoles(headers('Kunde', 'Rechnungsdatum', 'Gesamtbetrag', 'Lieferdatum')).mapping).toEqual({
      customer_id: 'Kunde', ordered_at: 'Rechnungsdatum', amount: 'Gesamtbetrag',
    });
    expect(guessColumnRoles(headers('Kunde', 'Lieferdatum', 'Nettobetrag')).mapping).toEqual({
      customer_id: 'Kunde', ordered_at: 'Lieferdatum', amount: 'Nettobetrag',
    });
  });

  it('keeps an email column as customer_email when there is no customer id', () => {
    const columns = [
      col('Customer', 'VARCHAR', ['ann@example.com', 'bo@example.org']),
      col('Date', 'DATE', ['2024-01-05']),
      col('Total', 'DOUBLE', ['10.0']),
    ];
    expect(guessColumnRoles(columns).mapping).toEqual({ customer_email: 'Customer', ordered_at: 'Date', amount: 'Total' });
  });

  it('lets header evidence beat value evidence', () => {
    const columns = [
      col('Notes', 'VARCHAR', ['2024-01-01']),
      col('Order Date', 'VARCHAR', ['05/01/2024']),
      col('Amount', 'DOUBLE', ['1.0']),
    ];
    expect(guessColumnRoles(columns).mapping.ordered_at).toBe('Order Date');
  });

  it('never maps a date-typed column to amount', () => {
    const columns = [col('Total', 'TIMESTAMP', ['2024-01-05 10:00:00']), col('Customer ID', 'BIGINT', ['1'])];
    const { mapping } = guessColumnRoles(columns);
    expect(mapping.amount).toBeUndefined();
    expect(mapping.ordered_at).toBe('Total');
  });

  it('never maps refunds, discounts or shipping to amount', () => {
    const columns = headers('Refund Amount', 'Discount Amount', 'Shipping Amount', 'Customer ID');
    const { mapping } = guessColumnRoles(columns);
    expect(mapping.amount).toBeUndefined();
    expect(mapping.refund).toBe('Refund Amount');
  });

  it('reads a plain "Name" column as the customer name', () => {
    const columns = [col('Name', 'VARCHAR', ['Ann Lee', 'Bo Chen']), col('Email', 'VARCHAR', ['ann@example.com'])];
    expect(guessColumnRoles(columns).mapping).toEqual({ customer_name: 'Name', customer_email: 'Email' });
  });

  it('maps nothing from an empty column list', () => {
    expect(guessColumnRoles([])).toEqual({ mapping: {}, confidence: {} });
  });
});

describe('requiredRolesMissing', () => {
  it('reports customer, date and amount when nothing is mapped', () => {
    expect(requiredRolesMissing({})).toEqual(['customer', 'date', 'amount']);
  });

  it('accepts an email as the customer and a unit price as the amount', () => {
    expect(requiredRolesMissing({ customer_email: 'e', ordered_at: 'd', unit_price: 'p' })).toEqual([]);
  });

  it('reports only what is missing', () => {
    expect(requiredRolesMissing({ customer_id: 'c', amount: 'a' })).toEqual(['date']);
  });
});
