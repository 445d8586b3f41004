/** A number to 3 significant digits, without trailing zeros: how messages and notes quote values. */
export function threeDigits(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
