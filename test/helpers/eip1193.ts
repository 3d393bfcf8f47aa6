/**
 * How an EIP-1193 provider (a wallet, or an RPC behind one) fails a request: it rejects with a plain
 * `{ code, message, data? }` object (EIP-1193's ProviderRpcError), not an Error. Tests whose fake
 * providers fail must reject exactly so, since that is what ethers' BrowserProvider is given in a browser.
 */
export function walletRejection(error: object): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- see above: not an Error
  return Promise.reject(error);
}
