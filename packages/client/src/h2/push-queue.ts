/** A first-in first-out queue with cheap push at both ends (resends go in front). */
export class PushQueue<T> {
  private items: (T | undefined)[] = new Array(16);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size += 1;
  }

  unshift(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.size += 1;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size -= 1;
    return item;
  }

  /** Removes and returns every item, in order. */
  drain(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }

  /** Capacity stays a power of two, so an index wraps with a mask. */
  private grow(): void {
    const larger: (T | undefined)[] = new Array(this.items.length * 2);
    for (let index = 0; index < this.size; index += 1) larger[index] = this.items[(this.head + index) & (this.items.length - 1)];
    this.items = larger;
    this.head = 0;
  }
}
