// Progressive enhancements of the council's own components, loaded from base.html as a
// module file (no inline script, so a Content-Security-Policy of `script-src 'self'` allows
// it). Each enhances markup that already works without JavaScript.
//
// Copied by `npm run build` (frontend/build.mjs) to build/static/ucp/ucp.js.

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
