/**
 * The "Admin" menu button (the seed's "Click Admin, select Clients"): a button that opens a menu
 * of the console's pages, keyboard-operable as the ARIA menu button pattern describes.
 */
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { navigate } from '../router';

const ITEMS = [
  { label: 'Clients', to: '/clients' },
  { label: 'Resources', to: '/resources' },
  { label: 'Integrations', to: '/integrations' },
  { label: 'Sync history', to: '/sync-runs' },
] as const;

export function AdminMenu() {
  const [open, setOpen] = useState(false);
  const [focused, setFocused] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) items.current[focused]?.focus();
  }, [open, focused]);
  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: MouseEvent): void => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    return () => document.removeEventListener('mousedown', closeOutside);
  }, [open]);

  const openAt = (index: number): void => {
    setFocused(index);
    setOpen(true);
  };
  const close = (): void => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (to: string): void => {
    setOpen(false);
    navigate(to);
  };
  const onButtonKey = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openAt(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      openAt(ITEMS.length - 1);
    }
  };
  const onMenuKey = (event: KeyboardEvent): void => {
    const last = ITEMS.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: focused === last ? 0 : focused + 1,
      ArrowUp: focused === 0 ? last : focused - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves) {
      event.preventDefault();
      setFocused(moves[event.key]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu" ref={container}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="admin-menu"
        onClick={() => (open ? setOpen(false) : openAt(0))}
        onKeyDown={onButtonKey}
      >
        Admin
      </button>
      {open ? (
        <div role="menu" id="admin-menu" aria-label="Admin" className="menu-items" onKeyDown={onMenuKey}>
          {ITEMS.map((item, index) => (
            <button
              key={item.to}
              ref={(element) => {
                items.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={index === focused ? 0 : -1}
              onClick={() => choose(item.to)}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
