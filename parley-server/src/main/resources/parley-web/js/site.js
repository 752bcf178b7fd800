// What every Parley page shares in script: the user id rule and its message.

/** The server's user id rule (parley-protocol Ids): 1-64 letters, digits and _ . @ - */
export const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** What a user is told when an id breaks the rule. */
export const USER_ID_RULE = 'A user id is 1 to 64 characters: letters A-Z and a-z, digits 0-9, and _ . @ - '
  + '(no spaces or other signs).';

/**
 * Gives every input marked data-user-id the rule's message instead of the browser's generic
 * "match the requested format", shown while typing and when the form is sent. Empty inputs are
 * left to "required".
 */
export function checkUserIdInputs(root = document) {
  for (const input of root.querySelectorAll('input[data-user-id]')) {
    input.title = USER_ID_RULE;
    const check = () => {
      const v = input.value.trim();
      input.setCustomValidity(v === '' || USER_ID.test(v) ? '' : USER_ID_RULE);
    };
    input.addEventListener('input', check);
    input.addEventListener('invalid', check);
    check();
  }
}
