/** The demo shop's pretend cart: "Add to cart" counts, so the page behaves like a real shop. */
const count = document.querySelector<HTMLElement>('[data-cart-count]');
let items = 0;
for (const button of document.querySelectorAll<HTMLButtonElement>('button.add')) {
  button.addEventListener('click', () => {
    items += 1;
    if (count) count.textContent = String(items);
  });
}
