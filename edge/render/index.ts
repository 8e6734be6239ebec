export { drawPersons, drawBox, drawLine, drawPolygon, drawText, fillRect, postureColours, type Rgb } from './draw.ts';
export { blurRegions, blurFaces, faceBoxes } from './blur.ts';
