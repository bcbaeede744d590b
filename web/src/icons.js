// Icons of the mediation places: one shape per kind as well as one colour, so that kinds are
// told apart without colour (RGAA 4.1 criterion 3.1). Drawn on a canvas at start-up: no sprite
// file, no network.

/** Shape of each kind; kinds the viewer does not know are drawn as `autre`. */
export const PLACE_SHAPES = {
  france_services: 'square',
  conseiller_numerique: 'triangle',
  aidants_connect: 'diamond',
  bibliotheque: 'circle',
  autre: 'dot',
};

/** French name of each shape, for the legend's text alternative. */
export const SHAPE_NAMES = { square: 'carré', triangle: 'triangle', diamond: 'losange', circle: 'rond', dot: 'petit rond' };

/** Draws one shape of `size` CSS pixels at `ratio` device pixels per CSS pixel. */
function draw(shape, colour, size, ratio) {
  const px = Math.round(size * ratio);
  const canvas = document.createElement('canvas');
  canvas.width = px;
  canvas.height = px;
  const ctx = canvas.getContext('2d');
  const c = px / 2;
  const r = px / 2 - 2 * ratio;
  ctx.beginPath();
  if (shape === 'square') ctx.rect(c - r * 0.82, c - r * 0.82, r * 1.64, r * 1.64);
  else if (shape === 'triangle') { ctx.moveTo(c, c - r); ctx.lineTo(c + r, c + r * 0.8); ctx.lineTo(c - r, c + r * 0.8); ctx.closePath(); }
  else if (shape === 'diamond') { ctx.moveTo(c, c - r); ctx.lineTo(c + r, c); ctx.lineTo(c, c + r); ctx.lineTo(c - r, c); ctx.closePath(); }
  else if (shape === 'circle') ctx.arc(c, c, r * 0.9, 0, 2 * Math.PI);
  else ctx.arc(c, c, r * 0.55, 0, 2 * Math.PI);
  ctx.fillStyle = colour;
  ctx.fill();
  // A white halo then a dark edge: the shape stays readable over every class colour.
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2.2 * ratio;
  ctx.stroke();
  ctx.strokeStyle = '#161616';
  ctx.lineWidth = 0.8 * ratio;
  ctx.stroke();
  return canvas;
}

/** Image name of a kind's icon in the map style. */
export const iconName = (kind) => `place-${kind}`;

/**
 * Adds every kind's icon to the map (`kinds`: key → { colour }) and returns key → data URL of
 * the same icon for the HTML legends.
 */
export function addPlaceIcons(map, kinds) {
  const urls = {};
  for (const [key, { colour }] of Object.entries(kinds)) {
    const shape = PLACE_SHAPES[key] || PLACE_SHAPES.autre;
    const canvas = draw(shape, colour, 18, 2);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    if (!map.hasImage(iconName(key))) map.addImage(iconName(key), data, { pixelRatio: 2 });
    urls[key] = canvas.toDataURL('image/png');
  }
  return urls;
}
