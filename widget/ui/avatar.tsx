/** An initials avatar for the agent: no image requests, readable at a glance. */
import { css } from './sheet';
import { color } from './theme';

const avatar = css`
  flex: none;
  width: 36px;
  height: 36px;
  border-radius: 50%;
  display: grid;
  place-items: center;
  background: ${color.onPrimary};
  color: ${color.primary};
  font-weight: 700;
  font-size: 14px;
`;

/** `initials('Ada Lovelace')` → `AL`; one name gives one letter. */
export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');

export function Avatar({ name }: { name: string }) {
  return (
    <span class={avatar} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
