import type { SiteRecord } from '../../services/types.ts';

/** Where the console can be. A screen is pushed on a stack; Esc pops it, `:sites` / `:users` reset it. */
export type Route =
  | { name: 'sites' }
  | { name: 'site'; siteId: string }
  | {
      name: 'site-edit';
      siteId: string;
      /** a prompt already changed in $EDITOR from the list or detail view */
      prompt?: string;
      /** the row that editor opened: the prompt's base, however the row moved while the editor ran */
      base?: SiteRecord;
      /** the signal that ended that editor after it saved (an OOM kill, a crash): the form says so */
      endedBy?: string;
    }
  | { name: 'site-new' }
  | { name: 'site-delete'; siteId: string }
  | { name: 'site-history'; siteId: string }
  | { name: 'drafts' }
  | { name: 'users' }
  | { name: 'user'; userId: string }
  | { name: 'user-new' }
  | { name: 'user-edit'; userId: string }
  | { name: 'user-delete'; userId: string }
  | { name: 'user-history'; userId: string }
  | { name: 'migrations' };

export interface StackEntry {
  key: number;
  route: Route;
}

export interface NavState {
  stack: StackEntry[];
  nextKey: number;
}

export type NavAction =
  | { type: 'push'; route: Route }
  | { type: 'pop' }
  | { type: 'replace'; route: Route }
  | { type: 'reset'; route: Route };

export function initialNav(route: Route = { name: 'sites' }): NavState {
  return { stack: [{ key: 0, route }], nextKey: 1 };
}

export function navReducer(state: NavState, action: NavAction): NavState {
  switch (action.type) {
    case 'push':
      return { stack: [...state.stack, { key: state.nextKey, route: action.route }], nextKey: state.nextKey + 1 };
    case 'pop':
      return state.stack.length > 1 ? { ...state, stack: state.stack.slice(0, -1) } : state;
    case 'replace':
      return { stack: [...state.stack.slice(0, -1), { key: state.nextKey, route: action.route }], nextKey: state.nextKey + 1 };
    case 'reset': {
      // Going to a list that is already the root keeps its state (cursor, filter) instead of reloading it.
      const root = state.stack[0]!;
      if (root.route.name === action.route.name && !('siteId' in action.route) && !('userId' in action.route)) {
        return { ...state, stack: [root] };
      }
      return { stack: [{ key: state.nextKey, route: action.route }], nextKey: state.nextKey + 1 };
    }
  }
}
