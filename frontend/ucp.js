// Progressive enhancements of the council's own components, loaded from base.html as a
// module file (no inline script: the Content-Security-Policy is `script-src 'self'`, with
// only GOV.UK's one-line js-enabled snippet allowed by its hash). Each enhances markup that
// already works without JavaScript.
//
// Copied by `npm run build` (frontend/build.mjs) to build/static/ucp/ucp.js.

// --- GOV.UK Frontend ------------------------------------------------------------------------
//
// Started from here, not from an inline module script. Its address is on this script's own
// element (data-govuk-frontend), as {% static %} gives it: hashed in production, so it is
// cached for good and fetched once (base.html preloads it).

const thisScript = [...document.scripts].find((script) => script.src === import.meta.url)
if (thisScript && thisScript.dataset.govukFrontend) {
  import(thisScript.dataset.govukFrontend).then((govuk) => govuk.initAll())
}

// --- ucp-choice-filter: a long grouped checkbox list (govuk/_collapsible_choices.html) ---
//
// Adds a filter box above the groups: typing shows only the options whose label or note
// holds every word typed, opens the groups that have a match and says how many match.
// Ticked boxes stay ticked (and are posted) whether shown or not. Keeps each group's
// "(n of m selected)" up to date as boxes are ticked.

function countText (group) {
  const boxes = group.querySelectorAll('input[type="checkbox"]')
  const ticked = [...boxes].filter((box) => box.checked).length
  return ` (${ticked} of ${boxes.length} selected)`
}

function element (tag, attributes = {}, text = '') {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text) node.textContent = text
  return node
}

export function initChoiceFilter (root) {
  if (root.dataset.ucpEnhanced) return
  root.dataset.ucpEnhanced = 'true'
  const groups = [...root.querySelectorAll('[data-ucp-group]')]
  const openAtStart = groups.map((group) => group.open)
  const id = `${root.id || 'ucp-choice'}-filter`

  const box = element('div', { class: 'govuk-form-group govuk-!-margin-bottom-4 ucp-choice-filter__box' })
  box.append(
    element('label', { class: 'govuk-label', for: id }, root.dataset.filterLabel || 'Filter the options'),
    element('div', { class: 'govuk-hint', id: `${id}-hint` },
      'Type part of a word to show only the matching ones. What you have ticked stays ticked.'),
    element('input', {
      class: 'govuk-input govuk-!-width-two-thirds',
      id,
      type: 'search',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': `${id}-hint`,
      'aria-controls': root.id || ''
    })
  )
  const status = element('p', { class: 'govuk-body-s ucp-choice-filter__status', role: 'status' })
  box.append(status)
  root.prepend(box)
  const input = box.querySelector('input')

  const filter = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean)
    let matches = 0
    groups.forEach((group, n) => {
      let shown = 0
      group.querySelectorAll('.govuk-checkboxes__item').forEach((item) => {
        const match = words.every((word) => item.textContent.toLowerCase().includes(word))
        item.hidden = !match
        if (match) shown += 1
      })
      group.hidden = shown === 0
      group.open = words.length ? shown > 0 : openAtStart[n] || group.querySelector('input:checked') !== null
      matches += shown
    })
    status.textContent = !words.length ? '' : matches === 0 ? 'Nothing matches.' : `${matches} ${matches === 1 ? 'option matches' : 'options match'}.`
  }
  input.addEventListener('input', filter)
  // Enter in the filter box must not submit the form half-filled.
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') event.preventDefault() })

  root.addEventListener('change', (event) => {
    const group = event.target.closest('[data-ucp-group]')
    const count = group && group.querySelector('[data-ucp-count]')
    if (count) count.textContent = countText(group)
  })
}

document.querySelectorAll('[data-module="ucp-choice-filter"]').forEach(initChoiceFilter)

// --- ucp-shown-when: a field shown only for one answer to a radio question -----------------
//
// <form data-module="ucp-shown-when" data-field="id" data-when-name="radio name"
// data-when-value="value">: the form group of the field `id` is shown only while the radio
// `value` is chosen. Without JavaScript the field is always shown and the form ignores it
// for other answers (the contact form's "A witness was present").

export function initShownWhen (form) {
  const field = document.getElementById(form.dataset.field)
  const group = field && field.closest('.govuk-form-group')
  if (!group) return
  const radios = [...form.querySelectorAll('input[type="radio"]')]
    .filter((radio) => radio.name === form.dataset.whenName)
  const update = () => {
    const chosen = radios.find((radio) => radio.checked)
    group.hidden = !(chosen && chosen.value === form.dataset.whenValue)
  }
  radios.forEach((radio) => radio.addEventListener('change', update))
  update()
}

document.querySelectorAll('[data-module="ucp-shown-when"]').forEach(initShownWhen)

// --- ucp-timeout-warning: GOV.UK's timeout warning (includes/timeout_warning.html) ----------
//
// A modal dialog `data-warning` seconds before the session would time out: "Stay signed in"
// posts its form with fetch (CSRF token and all), which counts as using the session; "Sign
// out" is an ordinary form. Before warning, and every 15 seconds while the dialog is open,
// it asks the server how long is left (`data-status-url`; asking does not count as use), so a
// session kept alive in another tab closes the dialog here. When the time is up it goes to
// the sign-in page with `next` set to this page; the server has signed the session out and
// the sign-in page says why. Escape is "Stay signed in", as in GOV.UK's pattern.
//
// The countdown the eye sees changes every second and is hidden from screen readers; what
// they hear is said when the dialog opens, then each whole minute and at 30 seconds.

function timeLeftText (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

export function initTimeoutWarning (dialog) {
  const warning = Number(dialog.dataset.warning) * 1000
  const statusUrl = dialog.dataset.statusUrl
  const signInUrl = dialog.dataset.signInUrl
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const extendForm = dialog.querySelector('form[data-timeout-extend]')
  let deadline = Date.now() + Number(dialog.dataset.expiresIn) * 1000
  let timer = null
  let ticker = null
  let lastAnnounced = null
  let lastAsked = 0
  let returnFocus = null

  const ask = async (url, options = {}) => {
    const response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      ...options,
      headers: { Accept: 'application/json' }
    })
    if (!response.ok || !response.headers.get('Content-Type').includes('application/json')) {
      throw new Error(`session answer ${response.status}`)
    }
    return response.json()
  }

  const signedOut = () => {
    const here = window.location.pathname + window.location.search
    window.location.assign(`${signInUrl}?next=${encodeURIComponent(here)}`)
  }

  // The server's answer wins over this tab's own reckoning.
  const heard = (answer) => {
    if (!answer.signed_in) {
      signedOut()
      return false
    }
    deadline = Date.now() + answer.expires_in * 1000
    return true
  }

  const close = () => {
    clearInterval(ticker)
    ticker = null
    lastAnnounced = null
    if (dialog.open) {
      dialog.close()
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
    }
  }

  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(check, Math.max(0, deadline - warning - Date.now()))
  }

  let asking = false
  const tick = async () => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    countdown.textContent = timeLeftText(left)
    const spoken = left > 60 ? `${Math.ceil(left / 60)}m` : left <= 30 ? '30s' : '1m'
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken
      announce.textContent = `We will sign you out in ${timeLeftText(left)}.`
    }
    if (asking || (left > 0 && Date.now() - lastAsked < 15000)) return
    asking = true
    lastAsked = Date.now()
    let answer = null
    try { answer = await ask(statusUrl) } catch { answer = null }
    asking = false
    if (!answer) {
      // The server cannot be reached: past the time, the sign-in page is the safe place.
      if (left === 0 && Date.now() - deadline > 10000) signedOut()
      return
    }
    // Signed out (the server ends the session when asked after its time): to sign-in.
    if (!heard(answer)) return
    if (deadline - Date.now() > warning + 1000) { // kept alive in another tab
      close()
      schedule()
    }
  }

  const open = () => {
    if (!dialog.open) {
      returnFocus = document.activeElement
      dialog.showModal()
      dialog.querySelector('button').focus()
    }
    lastAsked = Date.now()
    if (!ticker) ticker = setInterval(tick, 1000)
    tick()
  }

  async function check () {
    let answer = null
    try { answer = await ask(statusUrl) } catch { answer = null }
    if (answer && !heard(answer)) return
    if (deadline - Date.now() > warning + 1000) {
      schedule()
    } else {
      open()
    }
  }

  const stay = async () => {
    try {
      heard(await ask(extendForm.action, { method: 'POST', body: new FormData(extendForm) }))
    } catch {
      // Could not reach the server: keep counting; the next answer decides.
      return
    }
    close()
    schedule()
  }

  extendForm.addEventListener('submit', (event) => {
    event.preventDefault()
    stay()
  })
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  // Timers in a hidden tab run late: look again when the tab is shown.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check()
  })
  schedule()
}

document.querySelectorAll('dialog[data-module="ucp-timeout-warning"]').forEach(initTimeoutWarning)

// --- Printing --------------------------------------------------------------------------------

// A printed page shows every toggle open (the print stylesheet hides those that only hold a
// form); the ones opened for printing close again afterwards, as the reader left them.
export function initPrintOpensDetails (win = window) {
  let opened = []
  win.addEventListener('beforeprint', () => {
    opened = [...win.document.querySelectorAll('details:not([open])')]
    opened.forEach((details) => { details.open = true })
  })
  win.addEventListener('afterprint', () => {
    opened.forEach((details) => { details.open = false })
    opened = []
  })
}

initPrintOpensDetails()
